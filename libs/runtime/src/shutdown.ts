import { createLogger, type Logger } from '@workpoint/logging';
import { ProcessLifecycle } from './health/process-lifecycle';

export interface ShutdownOptions {
  /** Past this many ms after the signal the process exits with code 1, whatever is still running (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /** Turned to draining the moment the signal arrives, so every probe says not ready at once. */
  lifecycle?: ProcessLifecycle;
  /** For tests: instead of process.exit. */
  exit?: (code: number) => void;
}

/**
 * On SIGTERM/SIGINT: the process turns not ready at once (lifecycle), runs `stop` (drain, stop
 * consumers, close the apps, then the bus and the database) and exits 0; an error in `stop`
 * exits 1. If `stop` has not finished `timeoutMs` after the signal, the exit is forced (code 1,
 * logged). A second signal exits at once.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting at once', { signal });
      return exit(1);
    }
    stopping = true;
    const since = Date.now();
    options.lifecycle?.beginDrain();
    logger.info('shutting down', { signal, timeoutMs: options.timeoutMs });
    const forced = setTimeout(() => {
      logger.error('shutdown deadline passed; forcing exit', { timeoutMs: options.timeoutMs });
      exit(1);
    }, options.timeoutMs);
    stop().then(
      () => {
        clearTimeout(forced);
        logger.info('shut down', { ms: Date.now() - since });
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(forced);
        logger.error('error during shutdown', { error: String(error) });
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Last-resort reporting for main(): a boot failure is one JSON line on stderr, then exit 1. */
export function exitOnBootFailure(service: string): (error: unknown) => never {
  return (error: unknown) => {
    createLogger(service, 'error', (line) => process.stderr.write(line + '\n')).error('failed to start', {
      error: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  };
}
