#!/usr/bin/env bash
# npm run test:compose — the compose deployment, proven by running it:
#  1. base images (tools/docker/stand-ins.sh: the real ones where they can be pulled), then the
#     Workpoint images (docker-compose.yml's builds);
#  2. the stack up under its own project name with two gateways, waited for until every
#     container is healthy (time to healthy);
#  3. tools/docker/dist/compose-check.main.js: operator API 401/200, protocol flows, a start-up
#     storm, and a storm during which a service container is killed and restarted, checked for
#     losses (COMPOSE_STORM_PHONES 500, COMPOSE_STORM_CONCURRENCY 32, COMPOSE_KILL_TARGET configuration);
#  4. always (also on failure or Ctrl-C): the stack and its volumes removed.
# Prints a summary. Needs a running Docker engine and docker compose (v2 plugin) or docker-compose.
# COMPOSE_KEEP=1 leaves the stack up for a look (remove it with the `down -v` command it prints).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "test:compose: $*" >&2; }
t_start=$SECONDS

if docker compose version >/dev/null 2>&1; then COMPOSE_BIN="docker compose"; else COMPOSE_BIN="docker-compose"; fi
command -v docker >/dev/null && docker info >/dev/null 2>&1 || { log "error: no running Docker engine"; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

PROJECT="workpoint-test-$$"
export KAFKA_HOST_PORT="${KAFKA_HOST_PORT:-$(free_port)}"
export API_PUBLISH="127.0.0.1:$(free_port)"
export GATEWAY_HTTPS_PUBLISH="127.0.0.1:"
export GATEWAY_DCMP_PUBLISH="127.0.0.1:"
export WORKPOINT_TAG="${WORKPOINT_TAG:-local}"
COMPOSE="$COMPOSE_BIN -p $PROJECT -f docker-compose.yml -f tools/docker/compose.test.yml"

teardown() {
  local rc=$?
  if [[ "${COMPOSE_KEEP:-0}" == 1 ]]; then
    log "left running: $COMPOSE down -v"
  else
    log "tearing down"
    $COMPOSE logs --no-color >"tmp/test-compose-$PROJECT.log" 2>&1 || true
    $COMPOSE down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
mkdir -p tmp
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Images. A TLS-inspecting proxy's CA (the host's NODE_EXTRA_CA_CERTS) for npm ci in the build.
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -s "$NODE_EXTRA_CA_CERTS" ]]; then cp "$NODE_EXTRA_CA_CERTS" tools/docker/build-ca/ca.pem; fi
t0=$SECONDS
bash tools/docker/stand-ins.sh
t_base=$((SECONDS - t0))
t0=$SECONDS
$COMPOSE build --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" >"tmp/test-compose-build.log" 2>&1 || { tail -n 60 tmp/test-compose-build.log >&2; log "error: image build failed (tmp/test-compose-build.log)"; exit 1; }
t_build=$((SECONDS - t0))
log "images built in ${t_build} s"

# 2. Up, two gateways; healthy means every long-running container's health check passes.
t0=$SECONDS
$COMPOSE up -d --scale gateway=2 >/dev/null
deadline=$((SECONDS + ${COMPOSE_HEALTHY_TIMEOUT:-600}))
while :; do
  ids="$($COMPOSE ps -q)"
  states="$(for id in $ids; do docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}} {{.State.ExitCode}}' "$id"; done)"
  if ! grep -v -E ' (running healthy 0|exited - 0)$' <<<"$states" | grep -q .; then break; fi
  if grep -q -E ' exited - [1-9][0-9]*$' <<<"$states"; then
    echo "$states" >&2; $COMPOSE logs --no-color --tail=40 >&2
    log "error: a container exited with an error"; exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "$states" >&2; $COMPOSE logs --no-color --tail=40 >&2
    log "error: not healthy within ${COMPOSE_HEALTHY_TIMEOUT:-600} s"; exit 1
  fi
  sleep 2
done
t_healthy=$((SECONDS - t0))
log "healthy ${t_healthy} s after up"

# 3. The endpoints on the host, the admin key from the secrets volume, then the driver.
urls=() dcmp=()
for i in 1 2; do
  urls+=("https://$($COMPOSE port --index="$i" gateway 18443)/DeploymentService/LoginService")
  dcmp+=("http://$($COMPOSE port --index="$i" gateway 18080)")
done
export WORKPOINT_GATEWAY_URLS="$(IFS=,; echo "${urls[*]}")"
export WORKPOINT_DCMP_URLS="$(IFS=,; echo "${dcmp[*]}")"
export WORKPOINT_API_URL="http://$API_PUBLISH"
WORKPOINT_API_KEY="$($COMPOSE exec -T configuration cat /run/workpoint/api-admin-key)"
export WORKPOINT_API_KEY
export DATABASE_URL="postgres://workpoint:${POSTGRES_PASSWORD:-workpoint}@$($COMPOSE port postgres 5432)/workpoint"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_HOST_PORT"
export WORKPOINT_COMPOSE="$COMPOSE"
[[ -f tools/docker/dist/compose-check.main.js ]] || npx nx run-many -t build --projects=compose-check --output-style=static >/dev/null
rc=0
node tools/docker/dist/compose-check.main.js | tee "tmp/test-compose-check.log" || rc=$?

echo
echo "== test:compose summary =="
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^workpoint/[a-z]+:$WORKPOINT_TAG " | sed 's/^/image:         /'
echo "base images:   ${t_base} s; app images built in ${t_build} s"
echo "time to healthy: ${t_healthy} s (docker compose up -d --scale gateway=2 → every health check passing)"
sed -n '/^operator API:/,$p' tmp/test-compose-check.log
echo "total:         $((SECONDS - t_start)) s; result: $([[ $rc == 0 ]] && echo PASS || echo FAIL)"
exit "$rc"
