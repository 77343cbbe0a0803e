import { createProgressReporter } from './import-progress.reporter';
import type { ImportProgress } from './import-stream.schema';

const progress = (phase: ImportProgress['phase'], done: number, total: number): ImportProgress => ({ type: 'progress', phase, done, total });

function record(tty: boolean) {
  const written: string[] = [];
  return { written, reporter: createProgressReporter((text) => written.push(text), tty) };
}

describe('createProgressReporter', () => {
  it('writes a line each 10% of each phase when stderr is not a terminal', () => {
    const { written, reporter } = record(false);
    for (let done = 0; done <= 1_000; done += 5) {
      reporter.update(progress('validate', done, 1_000));
    }
    reporter.update(progress('apply', 0, 3));
    reporter.update(progress('apply', 1, 3));
    reporter.update(progress('apply', 3, 3));
    reporter.finish();
    expect(written).toEqual([
      ...Array.from({ length: 11 }, (_, i) => `validating ${i * 100}/1000 lines (${i * 10}%)\n`),
      'applying 0/3 lines (0%)\n',
      'applying 1/3 lines (33%)\n',
      'applying 3/3 lines (100%)\n',
    ]);
  });

  it('skips to the tenth reached when progress comes in big steps', () => {
    const { written, reporter } = record(false);
    reporter.update(progress('validate', 0, 50_000));
    reporter.update(progress('validate', 37_000, 50_000));
    reporter.update(progress('validate', 38_000, 50_000));
    expect(written).toEqual(['validating 0/50000 lines (0%)\n', 'validating 37000/50000 lines (74%)\n']);
  });

  it('shows an empty phase as done', () => {
    const { written, reporter } = record(false);
    reporter.update(progress('apply', 0, 0));
    expect(written).toEqual(['applying 0/0 lines (100%)\n']);
  });

  it('rewrites one line on a terminal and clears it at the end', () => {
    const { written, reporter } = record(true);
    reporter.update(progress('validate', 1, 4));
    reporter.update(progress('validate', 1, 4));
    reporter.update(progress('validate', 4, 4));
    reporter.finish();
    expect(written).toEqual(['\r\x1b[2Kvalidating 1/4 lines (25%)', '\r\x1b[2Kvalidating 4/4 lines (100%)', '\r\x1b[2K']);
  });

  it('leaves the terminal alone when there was no progress', () => {
    const { written, reporter } = record(true);
    reporter.finish();
    expect(written).toEqual([]);
  });
});
