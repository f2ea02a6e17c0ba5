# shellcheck shell=bash
# Helpers sourced by scripts/run.sh and scripts/test.sh: install what is missing, and start/stop the
# project's own PostgreSQL and Redis (never the system-wide instances).
#
# Messages go to stderr so that functions which print a value (pg_bin_dir, free_port) can be used
# in $(...). Functions that start a service set globals the caller can read:
#   PG_STARTED=1 / REDIS_STARTED=1 when this call started the service (0 when it was already running),
#   PG_PORT_IN_USE, the port the PostgreSQL server of DATADIR actually listens on.

log() { printf '[%s] %s\n' "${LOG_PREFIX:-services}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a command as root: directly when we are root, through sudo when it is available.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $* (run as root or install sudo)"
  fi
}

# --- Node.js -----------------------------------------------------------------------------------
#
# The project runs on its own Node.js: the `node` devDependency, pinned to an exact version in
# package.json (the one place that names it), whose binary lands in node_modules/.bin. The system's
# Node (20 on a fresh machine) only has to start these scripts and is never changed.

_node_version_of() {
  [[ -x $1 ]] && "$1" -p process.versions.node 2>/dev/null || true
}

# The exact version package.json pins (devDependencies.node), read with whatever node is at hand.
pinned_node_version() {
  local v
  v=$(node -p 'require("./package.json").devDependencies.node' 2>/dev/null) || die "cannot read package.json with node"
  [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "package.json must pin devDependencies.node to an exact version (it says: $v)"
  printf '%s\n' "$v"
}

# Puts a Node of the pinned version first on PATH before anything is installed, so that npm itself
# runs on it and checks `engines` against it (no EBADENGINE from the system's Node). When
# node_modules has none yet (a fresh clone, or a new pin), the pinned package alone is installed
# into .data/node by the system npm: the one thing that still runs on the system's Node.
_bootstrap_node() {
  local want=$1 tools=$PWD/.data/node
  [[ $(_node_version_of node_modules/.bin/node) == "$want" ]] && return 0
  if [[ $(_node_version_of "$tools/node_modules/.bin/node") != "$want" ]]; then
    log "installing Node.js $want for the project into .data/node (the system's Node is left alone)"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund "node@$want" >&2
    [[ $(_node_version_of "$tools/node_modules/.bin/node") == "$want" ]] || die "could not install Node.js $want into .data/node"
  fi
  PATH="$tools/node_modules/.bin:$PATH"
}

# Installs the locked dependencies when node_modules is missing, older than the lock file or
# without the pinned Node, then puts node_modules/.bin first on PATH: every node, npm and npx that
# the calling script starts (build, migrations, API, worker, Jest and what tests spawn) is the
# project's. npm writes node_modules/.package-lock.json on every install, so its mtime tells when
# we last installed. `npm install` rather than `npm ci`: a registry mirror may lack another
# platform's optional builds (@swc/core-darwin-*, say), which leaves them out of the lock, and
# `npm ci` refuses such a lock.
ensure_node_modules() {
  local want
  want=$(pinned_node_version)
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ||
    $(_node_version_of node_modules/.bin/node) != "$want" ]]; then
    _bootstrap_node "$want"
    log "installing npm dependencies with Node.js $(node -p process.versions.node)"
    # The repo's .npmrc carries legacy-peer-deps=true, so no flags are needed here.
    npm install --no-save >&2
  fi
  PATH="$PWD/node_modules/.bin:$PATH"
  export PATH
  hash -r
  [[ $(node -p process.versions.node) == "$want" ]] ||
    die "node_modules/.bin/node is not Node.js $want: remove node_modules and run again"
  log "Node.js $want ($(command -v node))"
}

_APT_UPDATED=0
# ensure_apt_packages pkg...: install the Debian packages that are not installed yet.
ensure_apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  log "installing ${missing[*]} with apt-get"
  # Update the package lists once per script run, and only when something must be installed.
  if [[ $_APT_UPDATED -eq 0 ]]; then
    as_root apt-get update >&2
    _APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
}

# Print the newest /usr/lib/postgresql/*/bin, installing the server when there is none.
# Call it once outside $(...) first so that an install happens in the main shell.
pg_bin_dir() {
  local dirs
  dirs=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V || true)
  if [[ -z $dirs || ! -x ${dirs##*$'\n'}/initdb ]]; then
    ensure_apt_packages postgresql
    dirs=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V || true)
  fi
  [[ -n $dirs ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
  printf '%s\n' "${dirs##*$'\n'}"
}

# Print a TCP port that is free on 127.0.0.1 right now (the kernel picks it).
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# port_taken PORT: something (anything) accepts connections on 127.0.0.1:PORT right now.
port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_free_port PORT WHAT VARIABLE: refuses to start WHAT on a port another process holds, rather
# than carry on against that process (a Redis or PostgreSQL that is not ours would answer our checks).
require_free_port() {
  local port=$1 what=$2 variable=$3
  if port_taken "$port"; then
    die "port $port is already taken by another process, so $what cannot start there. Stop that process, or choose another port: $variable=<free port> (e.g. $variable=$((port + 1)))"
  fi
}

# Random string of 48 URL-safe characters (36 random bytes in base64 have no padding).
random_secret() {
  head -c 36 /dev/urandom | base64 | tr -d '\n' | tr '+/' '-_'
}

# --- PostgreSQL --------------------------------------------------------------------------------

# Run a PostgreSQL server tool as the owner of the data directory. Postgres refuses to run as root,
# so as root we switch to the `postgres` system user; cd / because that user may not be allowed into
# the caller's working directory.
_pg_as_owner() {
  local owner=$1; shift
  if [[ $EUID -eq 0 && $owner != root ]]; then
    (cd / && runuser -u "$owner" -- "$@")
  else
    "$@"
  fi
}

# As root: make sure the `postgres` system user exists and can reach DIR, i.e. every parent
# directory is searchable (o+x only: it lets postgres pass through, not list or read).
_pg_prepare_root_access() {
  local dir=$1 path="" part
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating the postgres system user"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  local IFS=/
  for part in ${dir#/}; do
    path="$path/$part"
    [[ -d $path ]] || break
    if ! runuser -u postgres -- test -x "$path" 2>/dev/null; then
      log "allowing the postgres user to pass through $path (chmod o+x)"
      chmod o+x "$path"
    fi
  done
}

# The directory for the server's unix socket: the data dir itself, unless the socket path
# (dir + "/.s.PGSQL.NNNNN") would exceed the kernel's 107-byte limit.
_pg_socket_dir() {
  local datadir=$1
  if (( ${#datadir} > 90 )); then
    printf '/tmp/.coaching-pg-%s\n' "$(printf '%s' "$datadir" | md5sum | cut -c1-12)"
  else
    printf '%s\n' "$datadir"
  fi
}

# start_postgres DATADIR PORT [DBNAME] [--unsafe-fast]
#   Initialise DATADIR when new, start the server on 127.0.0.1:PORT unless it already runs, wait
#   until it accepts connections, and create DBNAME (default coaching). --unsafe-fast turns off
#   durability (fsync etc.): only for throw-away test instances.
start_postgres() {
  local datadir=$1 port=$2 db=coaching fast=0 arg
  shift 2
  for arg in "$@"; do
    case $arg in
      --unsafe-fast) fast=1 ;;
      *) db=$arg ;;
    esac
  done
  [[ $datadir == /* ]] || datadir="$PWD/$datadir"

  local bin owner sockdir
  bin=$(pg_bin_dir)
  sockdir=$(_pg_socket_dir "$datadir")
  owner=$(id -un)
  if [[ $EUID -eq 0 ]]; then owner=postgres; fi

  mkdir -p "$datadir"
  if [[ $EUID -eq 0 ]]; then
    _pg_prepare_root_access "$datadir"
    # A data dir created by an earlier run as another user must belong to postgres now.
    [[ $(stat -c %U "$datadir") == postgres ]] || chown -R postgres:postgres "$datadir"
  fi
  chmod 700 "$datadir"
  if [[ $sockdir != "$datadir" ]]; then
    mkdir -p "$sockdir"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$sockdir"; fi
  fi

  if [[ ! -f $datadir/PG_VERSION ]]; then
    log "initialising PostgreSQL in $datadir"
    # C.UTF-8 gives UTF-8 character classes with codepoint ordering; plain C when it is missing.
    local locale=C
    if grep -qiE '^c\.utf-?8$' <<<"$(locale -a 2>/dev/null)"; then locale=C.UTF-8; fi
    _pg_as_owner "$owner" "$bin/initdb" -D "$datadir" --username=postgres --auth=trust \
      --encoding=UTF8 --locale="$locale" >"$datadir.initdb.log" 2>&1 ||
      { cat "$datadir.initdb.log" >&2; die "initdb failed"; }
    rm -f "$datadir.initdb.log"
    # Settings that vary per start live in a file we rewrite each time (ports can change).
    echo "include_if_exists = 'coaching-runtime.conf'" >>"$datadir/postgresql.conf"
  fi

  PG_STARTED=0
  if _pg_as_owner "$owner" "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    # Already running (an earlier run that was not stopped): reuse it on whatever port it has.
    # Line 4 of postmaster.pid is the port it listens on.
    PG_PORT_IN_USE=$(sed -n 4p "$datadir/postmaster.pid")
    log "reusing the running PostgreSQL on port $PG_PORT_IN_USE"
  else
    {
      echo "# Written by scripts/lib/services.sh on every start."
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$sockdir'"
      echo "max_connections = 200"
      if [[ $fast -eq 1 ]]; then
        # Throw-away test data: durability only costs time here.
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } >"$datadir/coaching-runtime.conf"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$datadir/coaching-runtime.conf"; fi
    require_free_port "$port" PostgreSQL "${PG_PORT_VARIABLE:-PG_PORT}"
    log "starting PostgreSQL on 127.0.0.1:$port (data in $datadir)"
    _pg_as_owner "$owner" "$bin/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$datadir/server.log" >&2 || true; die "PostgreSQL did not start (log: $datadir/server.log)"; }
    PG_STARTED=1
    PG_PORT_IN_USE=$port
  fi

  local i
  for ((i = 0; i < 60; i++)); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT_IN_USE" -U postgres && break
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT_IN_USE" -U postgres || die "PostgreSQL on port $PG_PORT_IN_USE is not ready"

  # Over TCP with trust auth, so any local user may create the database.
  if [[ -z $("$bin/psql" -X -h 127.0.0.1 -p "$PG_PORT_IN_USE" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT_IN_USE" -U postgres "$db"
  fi
}

# stop_postgres DATADIR: fast shutdown (rolls back open transactions, does not wait for clients).
stop_postgres() {
  local datadir=$1 bin
  [[ -f $datadir/PG_VERSION ]] || return 0
  bin=$(pg_bin_dir)
  _pg_as_owner "$(stat -c %U "$datadir")" "$bin/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  # A socket dir of its own under /tmp (long data dir paths) is empty now.
  local sockdir
  sockdir=$(_pg_socket_dir "$datadir")
  if [[ $sockdir != "$datadir" ]]; then rmdir "$sockdir" 2>/dev/null || true; fi
}

# --- Redis -------------------------------------------------------------------------------------

_redis_pid_alive() {
  local pidfile=$1/redis.pid
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# start_redis DIR PORT [persist]: a Redis of our own on 127.0.0.1:PORT with its files in DIR.
#   persist: append-only file, so queued jobs survive restarts; without it nothing is written.
start_redis() {
  local dir=$1 port=$2 persist=${3:-}
  mkdir -p "$dir"
  [[ $dir == /* ]] || dir="$PWD/$dir"

  REDIS_STARTED=0
  if _redis_pid_alive "$dir"; then
    [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] ||
      die "the Redis of $dir (pid $(cat "$dir/redis.pid")) runs but not on port $port; stop it first"
    log "reusing the running Redis on port $port"
    return 0
  fi

  local opts=(--port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir"
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log")
  if [[ $persist == persist ]]; then
    opts+=(--appendonly yes)
  else
    opts+=(--save '' --appendonly no)
  fi
  require_free_port "$port" Redis "${REDIS_PORT_VARIABLE:-REDIS_PORT}"
  log "starting Redis on 127.0.0.1:$port (files in $dir)"
  redis-server "${opts[@]}" >/dev/null

  local i
  for ((i = 0; i < 40; i++)); do
    if [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]]; then
      REDIS_STARTED=1
      return 0
    fi
    sleep 0.25
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "Redis did not answer on port $port (log: $dir/redis.log)"
}

# stop_redis DIR PORT: SHUTDOWN saves only when persistence is on (the run instance), so the
# throw-away test instance writes nothing. Falls back to signals via the pid file.
stop_redis() {
  local dir=$1 port=$2 pid i
  _redis_pid_alive "$dir" || return 0
  pid=$(cat "$dir/redis.pid")
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- Redis Cluster (tests) -----------------------------------------------------------------------
#
# A throw-away Redis Cluster of masters only, for the test that proves the queue runs on one. Each node
# is its own redis-server with its files (nodes.conf, append-only file) in DIR/PORT, so a node stopped
# mid-test starts again with the same identity, slots and data. Ports are given (free ones, picked by
# the caller); the cluster bus gets its own given port, since PORT+10000 may not exist.

# start_redis_cluster_node DIR PORT BUS_PORT: starts (or restarts) one node and waits for its PONG.
start_redis_cluster_node() {
  local dir=$1/$2 port=$2 bus=$3 i
  mkdir -p "$dir"
  redis-server --port "$port" --cluster-port "$bus" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 >/dev/null
  for ((i = 0; i < 40; i++)); do
    [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.25
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "Redis Cluster node did not answer on port $port (log: $dir/redis.log)"
}

# start_redis_cluster DIR PORT:BUS_PORT...: starts one master per pair, shares the 16384 slots among
# them (redis-cli --cluster create) and waits until every node reports the cluster ok.
start_redis_cluster() {
  local dir=$1 pair port nodes=() i
  shift
  for pair in "$@"; do
    start_redis_cluster_node "$dir" "${pair%%:*}" "${pair##*:}"
    nodes+=("127.0.0.1:${pair%%:*}")
  done
  log "creating a Redis Cluster of ${#nodes[@]} masters: ${nodes[*]}"
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; die "redis-cli --cluster create failed"; }
  for pair in "$@"; do
    port=${pair%%:*}
    for ((i = 0; i < 80; i++)); do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break
      sleep 0.25
    done
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || die "the Redis Cluster is not ok on port $port"
  done
}

# stop_redis_cluster DIR: kills every node whose files are under DIR (nothing to save: they are throw-away).
stop_redis_cluster() {
  local pidfile pid i
  for pidfile in "$1"/*/redis.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -f "$pidfile"
  done
}
