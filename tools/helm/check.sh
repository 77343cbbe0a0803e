#!/usr/bin/env bash
# The Helm chart's check in the test suite (`npm run test:helm`, a step of `npm test`):
#  1. the validator refuses what it must (an unknown field, a missing required field, a wrong
#     type, a bad value), so a green run means something;
#  2. for every value set in deploy/helm/workpoint/ci/*-values.yaml: `helm lint --strict` (which
#     also checks the values against values.schema.json), then `helm template` for each
#     Kubernetes version in KUBERNETES_VERSIONS and a strict schema check of every rendered
#     manifest with kubeconform (unknown fields refused, required fields present, types right;
#     the ServiceMonitor against the prometheus-operator CRD's schema);
#  3. what the chart promises (stable GATEWAY_ID, secrets only as files, non-root, probes).
# Rendered manifests are left in tmp/helm/ to read.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOG_PREFIX=helm-check
# shellcheck source=../infra/lib.sh
source tools/infra/lib.sh

started=$(now_ms)
eval "$(bash tools/helm/install.sh)"
log "tools ready in $(elapsed "$started") ($("$HELM" version --short), kubeconform $("$KUBECONFORM" -v))"

CHART=deploy/helm/workpoint
OUT=tmp/helm
rm -rf "$OUT" && mkdir -p "$OUT"
passed=0
failed=0
ok() { passed=$((passed + 1)); printf '  ok  %s\n' "$*"; }
not_ok() { failed=$((failed + 1)); printf '  NOT OK  %s\n' "$*"; }

# kubeconform against one Kubernetes version's schemas ($1 = dir), strict.
conform() {
  "$KUBECONFORM" -strict -summary -output text -schema-location "$1/{{ .ResourceKind }}{{ .KindSuffix }}.json" "${@:2}"
}

render() { # values-file kube-version [more helm args]
  "$HELM" template workpoint "$CHART" --namespace workpoint -f "$1" --kube-version "$2" "${@:3}"
}

# SCHEMA_DIRS is "v1.30.14=/dir v1.37.2=/dir"; helm wants the version without the v.
k8s_of() { local v="${1%%=*}"; echo "${v#v}"; }
first_version="$(k8s_of "${SCHEMA_DIRS%% *}")"
first_schema_dir="${SCHEMA_DIRS%% *}"; first_schema_dir="${first_schema_dir#*=}"

echo "== the validator refuses bad manifests"
bad_manifest() { # name yaml
  printf '%s\n' "$2" >"$OUT/bad-$1.yaml"
  # "is invalid": refused by the schema, not for want of one.
  if conform "$first_schema_dir" "$OUT/bad-$1.yaml" >"$OUT/bad-$1.log" 2>&1 || ! grep -q ' is invalid: ' "$OUT/bad-$1.log"; then
    not_ok "kubeconform accepted $1"; cat "$OUT/bad-$1.log"
  else ok "kubeconform refuses $1"; fi
}
bad_manifest unknown-field 'apiVersion: v1
kind: Service
metadata: { name: x }
spec: { selector: { a: b }, ports: [{ port: 80 }], externalTrafficPolicyy: Local }'
bad_manifest missing-required 'apiVersion: apps/v1
kind: Deployment
metadata: { name: x }
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec: { containers: [{ image: x }] }'
bad_manifest wrong-type 'apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: x }
spec: { maxUnavailable: [1], selector: { matchLabels: { a: b } } }'
bad_manifest servicemonitor-unknown-field 'apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: x }
spec: { selector: {}, endpoints: [{ port: health, pathh: /metrics }] }'

bad_values() { # name expected-error helm-args...
  local log="$OUT/bad-values-${1//[^a-zA-Z]/-}.log"
  # Refused, and for the reason named (not, say, a template that no longer renders).
  if render "$CHART/ci/default-values.yaml" "$first_version" "${@:3}" >"$log" 2>&1 || ! grep -q -- "$2" "$log"; then
    not_ok "the chart accepted $1"; cat "$log"
  else ok "the chart refuses $1"; fi
}
bad_values "an unknown key" "at '/gateway/replica'" --set gateway.replica=3
bad_values "SASL without a Secret" "at '/kafka/sasl/existingSecret'" --set kafka.sasl.mechanism=scram-sha-512 --set kafka.sasl.username=u
bad_values "an unknown SASL mechanism" "at '/kafka/sasl/mechanism'" --set kafka.sasl.mechanism=plain
bad_values "a database URL that is not postgres://" "at '/postgresql/url'" --set postgresql.url=mysql://db/x
bad_values "no Kafka at all" "kafka.brokers is required" --set-json 'kafka.brokers=[]'
bad_values "no database at all" "postgresql.url or postgresql.existingSecret is required" --set postgresql.url=
bad_values "mTLS without a Secret" "at '/kafka/tls/existingSecret'" --set kafka.tls.enabled=true --set kafka.tls.clientCertificate=true
bad_values "autoscaling without a CPU request" "needs gateway.resources.requests.cpu" --set gateway.autoscaling.enabled=true --set gateway.resources.requests.cpu=null

echo "== value sets"
for values in "$CHART"/ci/*-values.yaml; do
  set_name="$(basename "$values" -values.yaml)"
  if "$HELM" lint --strict "$CHART" --namespace workpoint -f "$values" >"$OUT/$set_name.lint.log" 2>&1; then ok "helm lint --strict: $set_name"
  else not_ok "helm lint --strict: $set_name (see $OUT/$set_name.lint.log)"; cat "$OUT/$set_name.lint.log"; fi
  for entry in $SCHEMA_DIRS; do
    version="$(k8s_of "$entry")"
    manifest="$OUT/$set_name.k8s-$version.yaml"
    if ! render "$values" "$version" >"$manifest" 2>"$manifest.err"; then
      not_ok "helm template: $set_name on Kubernetes $version"; cat "$manifest.err"; continue
    fi
    if conform "${entry#*=}" "$manifest" >"$manifest.conform" 2>&1; then
      ok "schema check: $set_name on Kubernetes $version ($(tail -1 "$manifest.conform"))"
    else not_ok "schema check: $set_name on Kubernetes $version"; cat "$manifest.conform"; fi
  done
done

echo "== what the chart promises"
last_version="$(k8s_of "${SCHEMA_DIRS##* }")"
broken_promise() { # name sed-expression: the default render, broken one way, must be refused
  sed -e "$2" "$OUT/default.k8s-$last_version.yaml" >"$OUT/broken-$1.yaml"
  if node tools/helm/chart-promises.js "$OUT/broken-$1.yaml" >"$OUT/broken-$1.log" 2>&1; then not_ok "chart-promises.js accepted $1"
  else ok "chart-promises.js refuses $1"; fi
}
broken_promise plain-secret-variable 's/name: SESSION_SECRET_FILE/name: SESSION_SECRET/'
broken_promise unstable-gateway-id 's/fieldPath: metadata.name/fieldPath: metadata.uid/'
broken_promise file-not-projected 's|path: config-secret-key|path: config-key|'
broken_promise writable-root 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
node tools/helm/chart-promises.js "$OUT"/*.k8s-"$last_version".yaml && ok "chart promises (tools/helm/chart-promises.js)" || not_ok "chart promises"

echo "helm: $passed passed, $failed failed ($(elapsed "$started"))"
[[ $failed -eq 0 ]]
