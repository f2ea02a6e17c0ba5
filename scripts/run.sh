#!/usr/bin/env bash
# "Run it": installs what is missing, starts the project's own PostgreSQL and Redis (data under
# .data/, ports 55432 and 56379 so a system install on 5432/6379 is left alone), builds, migrates,
# loads the demo practice, starts the API (serving the portal) and the worker, and prints the URL
# and the demo logins. Run again, it reuses what is there. Ctrl-C stops what this run started.
#
# As root, PostgreSQL runs as the `postgres` system user (it refuses to run as root): .data/postgres
# is owned by that user, and any directory above it that the user cannot pass through gets o+x
# (search only, no read), e.g. when the project sits under /root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DATA=$ROOT/.data
LOG_PREFIX=run
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
PG_STARTED=0
REDIS_STARTED=0
APP_PIDS=()

# Each app runs in its own session (setsid), so Ctrl-C at the terminal reaches only this script,
# which then stops things in order: apps first (they drain work), then Redis and PostgreSQL.
stop_apps() {
  local pid deadline=$((SECONDS + 30)) alive
  [[ ${#APP_PIDS[@]} -gt 0 ]] || return 0
  log "stopping the API and the worker"
  for pid in "${APP_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  # SIGTERM lets them finish requests and jobs in flight; give them up to 30 s.
  while ((SECONDS < deadline)); do
    alive=0
    for pid in "${APP_PIDS[@]}"; do
      if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi
    done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${APP_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  APP_PIDS=()
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  stop_apps
  if ((REDIS_STARTED)); then
    log "stopping Redis"
    stop_redis "$DATA/redis" "$REDIS_PORT"
  fi
  if ((PG_STARTED)); then
    log "stopping PostgreSQL"
    stop_postgres "$DATA/postgres"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_node_modules
mkdir -p "$DATA/logs"

# Services: only when no external one is given through the environment.
if [[ -z ${DATABASE_URL:-} ]]; then
  pg_bin_dir >/dev/null # installs PostgreSQL here, in the main shell, when it is missing
  start_postgres "$DATA/postgres" "$PG_PORT" coaching
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT_IN_USE/coaching"
fi
if [[ -z ${REDIS_URL:-} ]]; then
  ensure_apt_packages redis-server
  start_redis "$DATA/redis" "$REDIS_PORT" persist
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
fi

# One secret per checkout, kept across runs so issued tokens stay valid after a restart.
if [[ -z ${JWT_SECRET:-} ]]; then
  if [[ ! -s $DATA/jwt-secret ]]; then
    (umask 077 && random_secret >"$DATA/jwt-secret")
  fi
  chmod 600 "$DATA/jwt-secret"
  JWT_SECRET=$(<"$DATA/jwt-secret")
  export JWT_SECRET
fi
export PORT=${PORT:-3000}
export WORKER_HEALTH_PORT=${WORKER_HEALTH_PORT:-3001}
# Another process on the API's or the worker's port would answer the readiness check below in their place.
require_free_port "$PORT" "the API" PORT
require_free_port "$WORKER_HEALTH_PORT" "the worker's health and metrics server" WORKER_HEALTH_PORT

npm run build
npm run migration:run
# The logins are printed once, below, with the URL.
npm run seed:demo -- --no-logins

# Logs go to files so the URL and logins below stay readable.
log "starting the API and the worker (logs in .data/logs/)"
setsid npm run start:api >>"$DATA/logs/api.log" 2>&1 &
API_PID=$!
APP_PIDS+=("$API_PID")
setsid npm run start:worker >>"$DATA/logs/worker.log" 2>&1 &
WORKER_PID=$!
APP_PIDS+=("$WORKER_PID")

http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else
    node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$1"
  fi
}

READY_URL="http://127.0.0.1:$PORT/health/ready"
deadline=$((SECONDS + 60))
until http_ok "$READY_URL"; do
  if ! kill -0 "$API_PID" 2>/dev/null; then
    tail -n 40 "$DATA/logs/api.log" >&2 || true
    die "the API exited during start-up (log: .data/logs/api.log)"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 40 "$DATA/logs/api.log" >&2 || true
    die "the API was not ready at $READY_URL after 60 s (log: .data/logs/api.log)"
  fi
  sleep 0.5
done

cat <<EOF

  Coaching platform is running
    App:       http://localhost:$PORT
    API docs:  http://localhost:$PORT/docs
    Worker:    http://localhost:$WORKER_HEALTH_PORT/health/ready, queue metrics at http://localhost:$WORKER_HEALTH_PORT/metrics
    Logs:      .data/logs/api.log, .data/logs/worker.log

EOF
if [[ -f $DATA/demo-logins.txt ]]; then
  echo "  Demo logins:"
  sed 's/^/    /' "$DATA/demo-logins.txt"
  echo
fi
echo "  Press Ctrl-C to stop."

# Stay in the foreground; when either process exits on its own, stop the rest and pass on its code.
status=0
wait -n "$API_PID" "$WORKER_PID" || status=$?
log "a process exited (status $status); stopping the rest"
exit "$status"
