import type { ImportProgress } from './import-stream.schema';

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  /** Ends the progress display, before anything else is printed. */
  finish(): void;
}

const VERB: Readonly<Record<ImportProgress['phase'], string>> = { validate: 'validating', apply: 'applying' };

/**
 * On a terminal, one line rewritten in place and cleared at the end. Elsewhere (CI logs, files),
 * a line each time a phase passes another 10%, so a 50,000-line import logs ~22 lines, not 50,000.
 */
export function createProgressReporter(write: (text: string) => void, tty: boolean): ProgressReporter {
  let shown = '';
  const lastTenth = new Map<ImportProgress['phase'], number>();
  return {
    update(progress) {
      const tenth = progress.total === 0 ? 10 : Math.min(10, Math.floor((progress.done * 10) / progress.total));
      const percent = progress.total === 0 ? 100 : Math.min(100, Math.floor((progress.done * 100) / progress.total));
      const text = `${VERB[progress.phase]} ${progress.done}/${progress.total} lines (${percent}%)`;
      if (tty) {
        if (text !== shown) {
          write(`\r\x1b[2K${text}`);
          shown = text;
        }
      } else if (tenth > (lastTenth.get(progress.phase) ?? -1)) {
        lastTenth.set(progress.phase, tenth);
        write(`${text}\n`);
      }
    },
    finish() {
      if (tty && shown !== '') {
        write('\r\x1b[2K');
        shown = '';
      }
    },
  };
}
