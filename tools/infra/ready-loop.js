// Shared by the readiness probes of tools/infra: resolve the repo's own client libraries, and
// retry a probe until it succeeds, the deadline passes, or the server process dies.
// Exit codes: 0 ready, 1 timed out or failed for good, 2 the server process died.
'use strict';

const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

/** The package as the apps load it, not whatever node happens to find first. */
function repoRequire(name) {
  return require(require.resolve(name, { paths: [repoRoot] }));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Runs `probe` until it resolves (then exits 0 after `onReady`), `timeoutSeconds` pass (exit 1),
 * `fatal(err)` says waiting is pointless (exit 1), or process `pid` is gone (exit 2).
 */
async function untilReady({ what, timeoutSeconds, pid, intervalMs, probe, onReady = () => undefined, fatal = () => false }) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (pid !== undefined && !alive(pid)) {
      console.error(`${what} process ${pid} exited`);
      process.exit(2);
    }
    try {
      onReady(await probe());
      process.exit(0);
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
      if (fatal(err)) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  console.error(`${what} not ready in time: ${lastError}`);
  process.exit(1);
}

module.exports = { repoRequire, untilReady };
