import type { StormResult } from '@workpoint/phone-sim';
import { formatMarkdown, formatResultTable } from './bench-report.formatter';
import type { BenchReport } from './bench-report.types';

const storm = (startUpsPerSec: number): StormResult => ({
  phones: 300,
  concurrency: 32,
  started: 300,
  completedOk: 300,
  failed: 0,
  aborted: 0,
  notStarted: 0,
  deadlineReached: false,
  firstErrors: [],
  exchanges: 600,
  actions: { ReadAllItems: 300, CleanUp: 300 },
  wallMs: 1000,
  startUpsPerSec,
  exchangesPerSec: startUpsPerSec * 2,
  latencyMs: { count: 600, mean: 5, p50: 4, p90: 8, p99: 12.345, max: 20 },
});

const report: BenchReport = {
  date: '2025-01-01T00:00:00.000Z',
  machine: { os: 'Linux', kernel: 'Linux 6.1', arch: 'x64', cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0' },
  parameters: { phones: 300, concurrency: 32, warmUpPhones: 20, itemCount: 200, connection: 'close', responderTlsKey: 'rsa', tlsSessionReuse: true, deadlineMs: 600000 },
  targets: [
    { key: 'c', name: 'trivial responder', status: 'measured', storm: storm(400) },
    { key: 'b', name: 'embedded', status: 'measured', storm: storm(100) },
    { key: 'a', name: 'distributed', status: 'skipped', error: 'could not start: no stack' },
  ],
  ratios: { bOverC: 0.25 },
};

describe('bench report', () => {
  it('prints one row per target and the ratios', () => {
    const table = formatResultTable(report);
    expect(table).toMatch(/\(c\) trivial responder\s+400\.0\s+800\.0\s+4\.0\s+12\.3\s+300\/300\s+0/);
    expect(table).toMatch(/\(a\) distributed\s+-\s+-\s+-\s+-\s+-\s+not started/);
    expect(table).toContain('ratio a/c (start-ups/s): n/a');
    expect(table).toContain('ratio b/c (start-ups/s): 0.250');
  });

  it('writes Markdown with the machine, the parameters and the problems', () => {
    const markdown = formatMarkdown(report);
    expect(markdown).toContain('Test CPU, 2 cores');
    expect(markdown).toContain('300 distinct phones');
    expect(markdown).toContain('| (b) embedded | 100.0 | 200.0 | 4.0 | 12.3 | 300/300 | 0 |');
    expect(markdown).toContain('* (a) distributed: could not start: no stack');
  });
});
