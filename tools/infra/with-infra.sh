#!/usr/bin/env bash
# Runs a command with a throwaway Kafka broker and PostgreSQL around it:
#   tools/infra/with-infra.sh npm run test:int
# Starts both (in parallel), exports KAFKA_BROKERS and DATABASE_URL, runs the
# command, and always stops both afterwards (also on failure, Ctrl-C or TERM),
# exiting with the command's exit code.
set -euo pipefail

LOG_PREFIX=infra
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# > 0)) || { echo "usage: $0 <command> [args...]" >&2; exit 64; }

stopped=false
# shellcheck disable=SC2317 # called from the EXIT trap
stop_all() {
  $stopped && return 0
  stopped=true
  local t0
  t0="$(now_ms)"
  bash "$INFRA_DIR/kafka.sh" stop &
  bash "$INFRA_DIR/postgres.sh" stop &
  wait || true
  log "infrastructure stopped in $(elapsed "$t0")"
}
# The EXIT trap covers normal ends, failures under set -e and `exit` below;
# INT/TERM exit explicitly so the EXIT trap then runs exactly once.
trap 'stop_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0="$(now_ms)"
# Background jobs of a non-interactive shell ignore SIGINT, so a Ctrl-C here
# lets a start finish and the EXIT trap then stops what it started.
bash "$INFRA_DIR/kafka.sh" start &
kafka_job=$!
bash "$INFRA_DIR/postgres.sh" start &
postgres_job=$!
kafka_rc=0
postgres_rc=0
wait "$kafka_job" || kafka_rc=$?
wait "$postgres_job" || postgres_rc=$?
if ((kafka_rc != 0 || postgres_rc != 0)); then
  log "error: could not start the infrastructure (kafka exit $kafka_rc, postgres exit $postgres_rc)"
  exit 1
fi
log "infrastructure ready in $(elapsed "$t0")"

set -a
# shellcheck source=/dev/null
source "$RUN_DIR/kafka.env"
# shellcheck source=/dev/null
source "$RUN_DIR/postgres.env"
set +a

rc=0
"$@" || rc=$?
exit "$rc"
