#!/usr/bin/env bash
# npm run bench: build everything, then run the start-up storm bench against the trivial
# responder, the embedded mode and the distributed stack (Kafka + PostgreSQL from tools/infra);
# then the configuration measurements (effective configuration + delivery plan per phone
# in-process and over the operator API, a CSV import, list queries over a large fleet; the API
# ones on embedded stacks), printed and saved in the same results file. Then the contact-me pace: BENCH_CONTACT_ME_PHONES (2000) asked to
# call back at once at BENCH_CONTACT_ME_RATE (500/s). Between storm and config, the "hostile
# neighbour": BENCH_HOSTILE_PHONES (300) start-ups on (b) and (a) without, then with, one client
# on 127.0.0.2 sending worst-case bodies of MAX_BODY_BYTES (the gateway default, or
# BENCH_HOSTILE_BODY_BYTES) on BENCH_HOSTILE_CONNECTIONS (2) connections, and the most
# expensive accepted body (parsed in full) on BENCH_HOSTILE_ACCEPTED_CONNECTIONS (16) more, at most
# BENCH_HOSTILE_MAX_REQUESTS (5000) requests of each kind, each storm bounded by BENCH_HOSTILE_DEADLINE_MS (30000).
# Parts: `npm run bench -- --only config` (or BENCH_ONLY=config); a comma list of
# storm, hostile, config, contact-me; all four by default. Kafka/PostgreSQL start only for
# storm and hostile.
# Parameters via environment: BENCH_PHONES (1000), BENCH_CONCURRENCY (32), BENCH_WARMUP (20),
# BENCH_ITEMS (200), BENCH_TARGETS (c,b,a), BENCH_TLS_KEY (rsa|ec), BENCH_TLS_RESUME (1|0),
# BENCH_GATEWAYS, BENCH_DEADLINE_MS, BENCH_START_TIMEOUT_MS, BENCH_RESULTS_DIR;
# configuration: BENCH_CONFIG_PHONES (10000), BENCH_IMPORT_LINES (10000),
# BENCH_LIST_PHONES (100000), BENCH_LIST_REQUESTS (200), BENCH_LIST_WARMUP (20);
# BENCH_SKIP_BUILD=1 reuses the existing dist folders.
set -euo pipefail
cd "$(dirname "$0")/../.."

only="${BENCH_ONLY:-storm,hostile,config,contact-me}"
args=()
while (($# > 0)); do
  case "$1" in
    --only) only="${2:?--only needs a part: storm, hostile, config, contact-me}"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
for part in ${only//,/ }; do
  case "$part" in
    storm | hostile | config | contact-me) ;;
    *) echo "bench: unknown part '$part' (use storm, hostile, config, contact-me)" >&2; exit 64 ;;
  esac
done
export BENCH_ONLY="$only"
wants() { [[ ",$only," == *",$1,"* ]]; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  npx nx run-many -t build --output-style=static
fi

status=0
if wants storm || wants hostile; then
  bash tools/infra/with-infra.sh node tools/bench/dist/bench.js "${args[@]}" || status=$?
elif wants config; then
  node tools/bench/dist/bench.js "${args[@]}" || status=$?
fi
if wants contact-me; then
  # Contact-me pace: N phones asked to call back at once, real clock, loopback listeners.
  node tools/bench/dist/contact-me-pace.js || status=$?
fi
exit "$status"
