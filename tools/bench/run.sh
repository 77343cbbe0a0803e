#!/usr/bin/env bash
# npm run bench: build everything, then run the start-up storm bench against the trivial
# responder, the embedded mode and the distributed stack (Kafka + PostgreSQL from tools/infra).
# Then the contact-me pace: BENCH_CONTACT_ME_PHONES (2000) asked to call back at once at BENCH_CONTACT_ME_RATE (500/s).
# Parameters via environment: BENCH_PHONES (1000), BENCH_CONCURRENCY (32), BENCH_WARMUP (20),
# BENCH_ITEMS (200), BENCH_TARGETS (c,b,a), BENCH_TLS_KEY (rsa|ec), BENCH_TLS_RESUME (1|0),
# BENCH_GATEWAYS, BENCH_DEADLINE_MS, BENCH_START_TIMEOUT_MS, BENCH_RESULTS_DIR;
# BENCH_SKIP_BUILD=1 reuses the existing dist folders.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  npx nx run-many -t build --output-style=static
fi

status=0
bash tools/infra/with-infra.sh node tools/bench/dist/bench.js "$@" || status=$?
# Contact-me pace: N phones asked to call back at once, real clock, loopback listeners.
node tools/bench/dist/contact-me-pace.js || status=$?
exit "$status"
