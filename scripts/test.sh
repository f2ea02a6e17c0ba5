#!/usr/bin/env bash
# "Test it": installs what is missing, starts throw-away PostgreSQL and Redis on free ports (unless
# DATABASE_URL and REDIS_URL are both given), builds, runs every Jest test and ends with the line
# "N passed, N failed[, N skipped]". Leaves nothing running. Extra arguments go to Jest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
LOG_PREFIX=test
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

ensure_node_modules
# Portal tests drive a real headless browser.
ensure_apt_packages chromium
export CHROME_PATH="${CHROME_PATH:-$(command -v chromium || true)}"

TMP_DIR=""
cleanup() {
  # Quiet on purpose: the summary printed before this must stay the last line.
  if [[ -n $TMP_DIR ]]; then
    # A Redis Cluster a test started (under TEST_TMP_DIR) and could not stop, e.g. when Jest was killed.
    local d
    for d in "$TMP_DIR"/redis-cluster-*; do
      if [[ -d $d ]]; then stop_redis_cluster "$d" >/dev/null 2>&1 || true; fi
    done
    stop_redis "$TMP_DIR/redis" "${REDIS_PORT_TEST:-0}" >/dev/null 2>&1 || true
    stop_postgres "$TMP_DIR/pg" >/dev/null 2>&1 || true
    rm -rf "$TMP_DIR"
  fi
}
trap cleanup EXIT
# Exiting from the signal handler runs the EXIT trap above once.
trap 'exit 130' INT
trap 'exit 143' TERM

# Under /tmp so the postgres user can reach it even when the repo sits in a private home dir. Tests put
# their own throw-away services (test/support/redis-cluster.ts) under TEST_TMP_DIR, removed with it.
TMP_DIR=$(mktemp -d /tmp/coaching-test.XXXXXX)
export TEST_TMP_DIR=$TMP_DIR
# redis-server and redis-cli also start a Redis Cluster for tests (test/support/redis-cluster.ts).
ensure_apt_packages redis-server

if [[ -n ${DATABASE_URL:-} && -n ${REDIS_URL:-} ]]; then
  log "using the given DATABASE_URL and REDIS_URL"
else
  pg_bin_dir >/dev/null # installs PostgreSQL here, in the main shell, when it is missing
  PG_PORT_TEST=$(free_port)
  REDIS_PORT_TEST=$(free_port)
  start_postgres "$TMP_DIR/pg" "$PG_PORT_TEST" coaching --unsafe-fast
  start_redis "$TMP_DIR/redis" "$REDIS_PORT_TEST"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT_TEST/coaching"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT_TEST"
fi

export NODE_ENV=test
export LOG_LEVEL="${LOG_LEVEL:-silent}"
export JWT_SECRET="${JWT_SECRET:-$(random_secret)}"

mkdir -p .test-results
RESULTS=.test-results/jest.json
# A stale file from an earlier run must not be reported as this run's result.
rm -f "$RESULTS"

status=0
if npm run build; then
  # Capture Jest's exit code instead of letting set -e end the script before the summary.
  npx jest --ci --json --outputFile="$RESULTS" "$@" || status=$?
else
  status=$?
  log "the build failed; no tests were run"
fi

summary_status=0
node scripts/test-summary.mjs "$ROOT/$RESULTS" || summary_status=$?
if [[ $status -eq 0 ]]; then status=$summary_status; fi
exit "$status"
