import { formatKillMatrix } from './kill-matrix-report.formatter';
import type { KillMatrixRow } from './kill-matrix.runner';

const clean = { rows: [], jobs: [], outcomes: [], events: [], duplicates: [] };
const row = (over: Partial<KillMatrixRow>): KillMatrixRow => ({
  target: 'inventory',
  phones: 100,
  completed: 100,
  delayed: 12,
  longestDelayMs: 31_250,
  mostAttempts: 3,
  outageMs: 9_900,
  jobs: 102,
  losses: clean,
  ...over,
});

describe('formatKillMatrix', () => {
  it('gives one table line per target and says nothing was lost', () => {
    const text = formatKillMatrix({ startedAt: new Date('2026-12-04T15:00:00Z'), phones: 100, concurrency: 50, machine: 'Machine: test.', rows: [row({})] });
    expect(text).toContain('| inventory | 100 | 100 | 12 | 31.3 s | 3 | 9.9 s | 102 | 0 | 0 | 0 | 0 | 0 |');
    expect(text).toContain('Nothing lost, nothing under two identities.');
  });

  it('lists what was lost, and the phones that never completed, under the target', () => {
    const losses = { ...clean, outcomes: ['00:1A:E8:00:00:01: configuration job 7 (WriteItems) has no completed event'] };
    const text = formatKillMatrix({
      startedAt: new Date('2026-12-04T15:00:00Z'),
      phones: 100,
      concurrency: 50,
      machine: '',
      rows: [row({ target: 'postgres', completed: 98, losses }), row({ target: 'broker' })],
    });
    expect(text).toContain('| postgres | 100 | 98 | 12 | 31.3 s | 3 | 9.9 s | 102 | 0 | 0 | 1 | 0 | 0 |');
    expect(text).toContain('**Something was lost or doubled**');
    expect(text).toContain('## postgres\n- 2 phones never completed\n- outcomes: 00:1A:E8:00:00:01: configuration job 7 (WriteItems) has no completed event');
    expect(text).not.toContain('## broker');
  });
});
