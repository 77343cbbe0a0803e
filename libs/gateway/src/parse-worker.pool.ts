import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { ParseOutcome, ParsePool, ParseTask } from './phone-message.parser';

const WORKER_FILE = 'parse.worker.js';

/**
 * The compiled worker file. Piscina loads JavaScript, so the worker is the lib's build output
 * (libs/gateway/dist/parse.worker.js), found beside this module when it runs compiled (the
 * gateway and embedded apps), or in the lib's dist when it runs from its TypeScript source
 * (Jest); the int tier runs after the build. A missing file fails boot, not the first large message.
 */
export function parseWorkerFile(): string {
  const candidates = [join(__dirname, WORKER_FILE), join(__dirname, '..', 'dist', WORKER_FILE)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`parse worker not found (looked for ${candidates.join(', ')}); build the gateway lib first (npm run build)`);
  return found;
}

export interface ParseWorkerPoolOptions {
  /** Worker threads (PARSE_WORKERS), started at once so the first large message does not wait for one. */
  workers: number;
  /** Tasks allowed to wait (PARSE_QUEUE_MAX); the parser refuses more before asking the pool. */
  queueMax: number;
  filename?: string;
}

/** A fixed-size Piscina pool of parse workers. */
export function createParseWorkerPool(options: ParseWorkerPoolOptions): ParsePool {
  const piscina = new Piscina<ParseTask, ParseOutcome>({
    filename: options.filename ?? parseWorkerFile(),
    minThreads: options.workers,
    maxThreads: options.workers,
    maxQueue: options.queueMax,
  });
  return {
    get queued() {
      return piscina.queueSize;
    },
    run: (task) => piscina.run(task),
    destroy: () => piscina.destroy(),
  };
}
