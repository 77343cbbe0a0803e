# Shared helpers for tools/infra/*.sh. Sourced, not executed.
# shellcheck shell=bash

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The repo is the git top level of these scripts, so they work from any cwd;
# a plain copy without .git still works one level up from tools/infra.
REPO_ROOT="$(git -C "$INFRA_DIR" rev-parse --show-toplevel 2>/dev/null || (cd "$INFRA_DIR/../.." && pwd))"
RUN_DIR="${WORKPOINT_RUN_DIR:-$REPO_ROOT/tmp/infra}"
CACHE_DIR="${WORKPOINT_CACHE:-${HOME:-/tmp}/.cache/workpoint}"
# Absolute, because the servers and helpers run from other directories.
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$PWD/$RUN_DIR"
[[ "$CACHE_DIR" == /* ]] || CACHE_DIR="$PWD/$CACHE_DIR"

log() { printf '%s: %s\n' "$LOG_PREFIX" "$*" >&2; }
die() { printf '%s: error: %s\n' "$LOG_PREFIX" "$*" >&2; exit 1; }

need() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required but not on PATH"
  done
}

# Seconds since the epoch with milliseconds, for the timing lines.
now_ms() { date +%s%3N; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

# Prints N distinct free TCP ports on 127.0.0.1, one per line. They come from
# below the kernel's ephemeral range (32768+), so an outgoing connection cannot
# grab one between this check and the server binding it.
free_ports() {
  node -e '
    const net = require("node:net");
    const want = Number(process.argv[1]);
    const got = new Set();
    const tryPort = (p) => new Promise((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen({ port: p, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
    });
    (async () => {
      for (let i = 0; i < 500 && got.size < want; i++) {
        const p = 20000 + Math.floor(Math.random() * 12000);
        if (!got.has(p) && (await tryPort(p))) got.add(p);
      }
      if (got.size < want) { console.error("no free port found"); process.exit(1); }
      console.log([...got].join("\n"));
    })();
  ' "$1"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# True when pid $1 is alive and its command line contains $2: guards against
# signalling an unrelated process that reused a pid from a stale pid file.
pid_matches() {
  pid_alive "$1" || return 1
  [[ -r "/proc/$1/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# Writes stdin to $1 via rename, so readers never see a half-written file.
write_atomic() {
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  cat >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$1"
}
