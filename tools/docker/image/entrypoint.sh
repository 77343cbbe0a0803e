#!/bin/sh
# Entrypoint of the Workpoint images: each secret variable may come from a file instead
# (NAME_FILE=/path, as the official database images do), so compose and Kubernetes can hand
# over generated keys without putting them in the environment of `docker inspect`. Only these
# names: TLS_CERT_FILE and TLS_KEY_FILE are paths already. Then exec, so node is PID 1 and gets
# SIGTERM itself.
set -eu
for name in CONFIG_SECRET_KEY API_ADMIN_KEY SESSION_SECRET; do
  file="$(printenv "${name}_FILE" || true)"
  [ -n "$file" ] || continue
  if [ -n "$(printenv "$name" || true)" ]; then
    echo "workpoint-entrypoint: both $name and ${name}_FILE are set; give one" >&2
    exit 64
  fi
  [ -r "$file" ] || { echo "workpoint-entrypoint: ${name}_FILE=$file cannot be read by uid $(id -u)" >&2; exit 66; }
  value="$(cat "$file")"
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
