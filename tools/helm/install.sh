#!/usr/bin/env bash
# Installs what the chart check needs, once, into the cache tools/infra uses:
#   helm          built from the Go module proxy (helm.sh/helm/v4/cmd/helm)
#   kubeconform   built from the Go module proxy (github.com/yannh/kubeconform/cmd/kubeconform)
#   schemas       strict JSON Schemas per kind, converted from the Kubernetes OpenAPI v3
#                 documents in the k8s.io/kubernetes module (api/openapi-spec/v3), one folder per
#                 Kubernetes version, plus the prometheus-operator ServiceMonitor CRD
# Prints the paths as shell assignments for `eval "$(tools/helm/install.sh)"`; logs go to stderr.
# Needs go (1.24+), node, flock. Nothing is fetched again once a version is in the cache.
set -euo pipefail
LOG_PREFIX=helm-install
# shellcheck source=../infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"

HELM_VERSION="${HELM_VERSION:-v4.3.2}"
KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.7.0}"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and a current one.
KUBERNETES_VERSIONS="${KUBERNETES_VERSIONS:-v1.30.14 v1.37.2}"
PROMETHEUS_OPERATOR_VERSION="${PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"

HELM_CACHE="$CACHE_DIR/helm"
need go node flock
mkdir -p "$HELM_CACHE"
exec {lock_fd}>"$HELM_CACHE/install.lock"
flock -w 900 "$lock_fd" || die "timed out waiting for $HELM_CACHE/install.lock"

# Runs "$@" with $tmp as a fresh directory and renames it to $1 when it succeeds, so an
# interrupted install leaves nothing that looks complete.
install_dir() {
  local dest="$1"; shift
  [[ -d "$dest" ]] && return 0
  local tmp="$dest.tmp.$$" started
  started=$(now_ms)
  rm -rf "$dest.tmp."*
  mkdir -p "$tmp"
  "$@" "$tmp"
  mv "$tmp" "$dest"
  log "$(basename "$dest") ready in $(elapsed "$started")"
}

go_install() { # package@version dir
  log "building $1 (first time only: a few minutes)"
  CGO_ENABLED=0 GOBIN="$2" GOFLAGS=-buildvcs=false nice -n 10 go install -trimpath "$1" >&2
}

# The directory of a module version in Go's module cache, downloaded if needed.
module_dir() {
  go mod download -json "$1" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})'
}

make_schemas() { # kubernetes-version dir
  local k8s promop
  k8s="$(module_dir "k8s.io/kubernetes@$1")"
  promop="$(module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
  node "$(dirname "$0")/openapi-to-json-schema.js" "$2" \
    --openapi "$k8s/api/openapi-spec/v3" \
    --crd "$promop/jsonnet/prometheus-operator/servicemonitors-crd.json" >&2
}

install_dir "$HELM_CACHE/helm-$HELM_VERSION" go_install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
install_dir "$HELM_CACHE/kubeconform-$KUBECONFORM_VERSION" go_install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
schema_dirs=()
for version in $KUBERNETES_VERSIONS; do
  dir="$HELM_CACHE/schemas-kubernetes-$version-prometheus-operator-$PROMETHEUS_OPERATOR_VERSION"
  install_dir "$dir" make_schemas "$version"
  schema_dirs+=("$version=$dir")
done

printf 'HELM=%q\n' "$HELM_CACHE/helm-$HELM_VERSION/helm"
printf 'KUBECONFORM=%q\n' "$HELM_CACHE/kubeconform-$KUBECONFORM_VERSION/kubeconform"
printf 'SCHEMA_DIRS=%q\n' "${schema_dirs[*]}"
