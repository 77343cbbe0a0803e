import { createLogger, type Logger } from '@workpoint/logging';

/** A logger that keeps its lines for assertions (and prints nothing). */
export function capturingLogger(service = 'test'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger(service, 'debug', (l) => lines.push(l)), lines };
}
