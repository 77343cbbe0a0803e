import type { Logger } from '@workpoint/logging';

export interface BootRetrySettings {
  /** How long a boot step is retried before the process gives up and exits non-zero (BOOT_RETRY_TIMEOUT_MS; 0: one attempt). */
  timeoutMs: number;
  /** First pause between attempts; it doubles up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs a boot step (open the database, create the topics) until it succeeds: a dependency that
 * is not up yet (compose and Kubernetes start everything at once, in any order) is waited for
 * with backoff, each failure logged, for at most `timeoutMs`; then the last error is thrown and
 * main() exits non-zero (exitOnBootFailure), so the orchestrator's restart policy takes over.
 * Every failure is retried: at boot a bad setting and a dependency still starting look alike
 * (a refused connection, a database that does not exist yet), and a bad one fails the same way
 * after the timeout.
 */
export async function retryAtBoot<T>(what: string, step: () => Promise<T>, settings: BootRetrySettings, logger: Logger): Promise<T> {
  const { timeoutMs, baseDelayMs = 250, maxDelayMs = 5000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), now = Date.now } = settings;
  const giveUpAt = now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await step();
      if (attempt > 1) logger.info(`${what}: done after ${attempt} attempts`);
      return result;
    } catch (error) {
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 20), Math.max(0, giveUpAt - now()));
      if (delayMs <= 0) {
        logger.error(`${what}: giving up`, { attempt, timeoutMs, error: describe(error) });
        throw error;
      }
      logger.warn(`${what}: not possible yet; retrying`, { attempt, retryInMs: delayMs, error: describe(error) });
      await sleep(delayMs);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
