import { createLogger, type Logger } from '@workpoint/logging';

/** Runs `stop` once on SIGTERM/SIGINT, then exits; a second signal exits at once. */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('error during shutdown', { error: String(error) });
        process.exit(1);
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
