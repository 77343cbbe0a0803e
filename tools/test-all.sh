#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, the build, unit tests, then the
# integration and end-to-end tiers against a real Kafka broker and a real PostgreSQL that
# tools/infra starts (and always stops) around them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "lint"; npm run --silent lint
step "typecheck"; npm run --silent typecheck
step "build"; npm run --silent build
step "unit tests"; npx jest -c jest.unit.config.js --ci
# Installs helm, kubeconform and the Kubernetes schemas into the cache on first use (Go module proxy).
step "helm chart (lint, template, strict Kubernetes schema check)"; bash tools/helm/check.sh
step "integration and end-to-end tests, then the kill matrix (real Kafka, real PostgreSQL)"
# The kill matrix comes last: it kills and restarts this broker and this PostgreSQL (and turns
# synchronous_commit on). KILL_MATRIX_E2E_PHONES sets its fleet per target (default in
# e2e/kill-matrix.matrix-spec.ts).
tools/infra/with-infra.sh bash -c 'npx jest -c jest.int.config.js --ci && npx jest -c jest.e2e.config.js --ci && npx jest -c jest.kill-matrix.config.js --ci'
