import type { StormResult } from '@workpoint/phone-sim';
import { configurationProblems, formatConfigurationTables, formatHostileTable, formatMarkdown, formatResultTable } from './bench-report.formatter';
import type { BenchReport, ConfigurationBenchReport, ImportRun } from './bench-report.types';
import type { LatencySummary } from '@workpoint/phone-sim';

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
  latencyMs: { count: 600, mean: 5, p50: 4, p90: 8, p95: 10, p99: 12.345, max: 20 },
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

const timings = (p50: number, p99: number): LatencySummary => ({ count: 200, mean: p50 * 1.1, p50, p90: (p50 + p99) / 2, p95: (p50 + p99) / 2, p99, max: p99 * 2 });
const importRun = (kind: ImportRun['kind'], created: number, unchanged: number, wallMs: number): ImportRun => ({
  kind,
  status: 200,
  wallMs,
  linesPerSec: 10_000 / (wallMs / 1000),
  lines: 10_000,
  valid: 10_000,
  created,
  updated: 0,
  unchanged,
  errors: 0,
});

const configuration: ConfigurationBenchReport = {
  parameters: { effectivePhones: 10_000, importLines: 10_000, listPhones: 100_000, listRequests: 200, listWarmUp: 20 },
  effective: {
    status: 'measured',
    result: {
      phones: 10_000,
      method: 'effectiveConfiguration(…) + planDelivery(…)',
      profileSet: '1 fleet (39 items), 3 site (6 items)',
      reportedItemsPerPhone: 200,
      warmUpPhones: 1000,
      totalUs: { count: 10_000, mean: 84.26, p50: 80.04, p90: 0, p95: 100, p99: 150.55, max: 900 },
      effectiveUs: { count: 10_000, mean: 40.1, p50: 38.2, p90: 0, p95: 50, p99: 70.3, max: 500 },
      planUs: { count: 10_000, mean: 44.16, p50: 41.8, p90: 0, p95: 50, p99: 80.25, max: 400 },
      phonesPerSec: 11_868.03,
      effectiveItemsPerPhone: 95.25,
      pendingWritesPerPhone: 31.5,
      failedPhones: 0,
    },
  },
  phoneDetail: {
    status: 'measured',
    logDir: '/tmp/config-phone-detail',
    result: {
      phones: 10_000,
      detailUs: { count: 10_000, mean: 1500, p50: 1400, p90: 0, p95: 2000, p99: 2600.44, max: 9000 },
      phonesPerSec: 666.67,
      effectiveItemsPerPhone: 95.25,
      pendingWritesPerPhone: 31.5,
      failedPhones: 0,
      seedMs: 8000,
    },
  },
  csvImport: {
    status: 'measured',
    result: {
      lines: 10_000,
      bytes: 972_800,
      runs: [importRun('dry run', 10_000, 0, 1250), importRun('apply', 10_000, 0, 2500), { ...importRun('re-import', 0, 9_990, 1000), updated: 10, unexpected: 'updated 10, expected 0' }],
    },
  },
  phoneList: { status: 'failed', error: 'starting the embedded stack did not finish within 180000 ms' },
};

describe('configuration report', () => {
  it('prints the in-process timings, each part alone, and the API line with its overhead', () => {
    const text = formatConfigurationTables(configuration);
    expect(text).toContain('Effective configuration + delivery plan, 10000 phones');
    expect(text).toMatch(/in-process: effective \+ plan\s+84\.3\s+80\.0\s+150\.6\s+11868/);
    expect(text).toMatch(/in-process: effective only\s+40\.1\s+38\.2\s+70\.3\s+-/);
    expect(text).toMatch(/in-process: plan only\s+44\.2\s+41\.8\s+80\.3\s+-/);
    expect(text).toMatch(/over the API, GET \/phones\/\{mac\}\s+1500\.0\s+1400\.0\s+2600\.4\s+667/);
    expect(text).toContain('after 1000 warm-up phones; 200 reported items per phone');
    expect(text).toContain('mean 1416 µs above in-process');
    expect(text).toContain('95.3 effective items, 31.5 pending writes; 0 phone(s) failed');
    expect(text).not.toContain('history');
  });

  it('keeps the in-process lines when the API line could not be measured, and says why', () => {
    const text = formatConfigurationTables({ ...configuration, phoneDetail: { status: 'failed', error: 'starting the embedded stack did not finish' } });
    expect(text).toContain('Over the API: not measured: starting the embedded stack did not finish.');
    expect(text).toMatch(/in-process: effective \+ plan\s+84\.3/);
    expect(text).not.toContain('over the API, GET');
  });

  it('reports in-process and API answers that disagree as a problem', () => {
    const apiResult = configuration.phoneDetail.result!;
    const disagreeing: ConfigurationBenchReport = { ...configuration, phoneDetail: { status: 'measured', result: { ...apiResult, pendingWritesPerPhone: 32 } } };
    expect(configurationProblems(disagreeing)).toContain(
      'effective configuration: in-process and over the API disagree: 95.25 vs 95.25 effective items, 31.50 vs 32.00 pending writes per phone',
    );
    expect(configurationProblems(configuration).some((problem) => problem.includes('disagree'))).toBe(false);
  });

  it('prints one import row per run with its counts and lines/s', () => {
    const text = formatConfigurationTables(configuration);
    expect(text).toMatch(/dry run\s+200\s+1\.25\s+8000\s+10000\/10000\s+10000\s+0\s+0\s+0/);
    expect(text).toMatch(/re-import\s+200\s+1\.00\s+10000\s+10000\/10000\s+0\s+10\s+9990\s+0/);
  });

  it('says why a measurement has no numbers', () => {
    expect(formatConfigurationTables(configuration)).toContain('Phone list queries over 100000 phones\n  not measured: starting the embedded stack did not finish');
  });

  it('prints list timings per query kind and the overall p99', () => {
    const measured: ConfigurationBenchReport = {
      ...configuration,
      phoneList: {
        status: 'measured',
        result: {
          phones: 100_000,
          seedMs: 9000,
          queries: [
            { kind: 'first page', example: 'limit=100', ms: timings(2.04, 3.96), phonesPerPage: 100, failures: 0 },
            { kind: 'q (part of MAC)', example: 'q=A1B2&limit=100', ms: timings(40, 61.25), phonesPerPage: 3.4, failures: 2 },
          ],
          overallP99Ms: 58.75,
        },
      },
    };
    const text = formatConfigurationTables(measured);
    expect(text).toMatch(/first page\s+2\.0\s+3\.0\s+4\.0\s+100\s+0/);
    expect(text).toMatch(/q \(part of MAC\)\s+40\.0\s+50\.6\s+61\.3\s+3\s+2/);
    expect(text).toContain('overall p99 58.8 ms');
    expect(configurationProblems(measured)).toContain('phone list, q (part of MAC): 2 request(s) not answered 200');
  });

  it('lists failed measurements and unexpected import counts as problems', () => {
    expect(configurationProblems(configuration)).toEqual([
      'phone list: starting the embedded stack did not finish within 180000 ms',
      'CSV import, re-import: updated 10, expected 0',
    ]);
  });

  it('writes a configuration-only Markdown file with its sections and problems', () => {
    const markdown = formatMarkdown({ ...report, targets: [], ratios: {}, configuration });
    expect(markdown).toMatch(/^# Configuration benchmark, 2025-01-01T00:00:00.000Z/);
    expect(markdown).not.toContain('distinct phones');
    expect(markdown).toContain('### CSV import, 10000 lines');
    expect(markdown).toContain('| in-process: effective + plan | 84.3 | 80.0 | 150.6 | 11868 |');
    expect(markdown).toContain('| over the API, GET /phones/{mac} | 1500.0 | 1400.0 | 2600.4 | 667 |');
    expect(markdown).toContain('| apply | 200 | 2.50 | 4000 | 10000/10000 | 10000 | 0 | 0 | 0 |');
    expect(markdown).toContain('* configuration, CSV import, re-import: updated 10, expected 0');
    expect(markdown).not.toContain('Latencies are per exchange');
  });

  it('appends the configuration sections after the storm table', () => {
    const markdown = formatMarkdown({ ...report, configuration });
    expect(markdown.indexOf('## Configuration (in-process, and through the operator API')).toBeGreaterThan(markdown.indexOf('| (b) embedded |'));
    expect(markdown).toMatch(/^# Start-up storm benchmark/);
  });
});

describe('bench report, hostile neighbour', () => {
  const hostile: BenchReport = {
    ...report,
    targets: [],
    hostile: {
      parameters: { phones: 300, concurrency: 32, itemCount: 200, maxBodyBytes: 1048576, bodies: ['many-attributes', 'deep-nesting'], connections: 2, acceptedConnections: 16, maxRequests: 5000, deadlineMs: 30000, neighbourAddress: '127.0.0.2' },
      targets: [
        {
          key: 'b',
          name: 'embedded',
          status: 'measured',
          without: storm(100),
          with: storm(50),
          neighbour: { requests: 66, answers: { '200': 44, '400': 22 }, bytesSent: 66 * 1048576, wallMs: 30000, firstErrors: [] },
          ratios: { startUpsPerSec: 0.5, p50: 1, p99: 1 },
        },
        { key: 'a', name: 'distributed', status: 'skipped', error: 'could not start: no Kafka' },
      ],
    },
  };

  it('prints both runs per target and the ratios with/without', () => {
    const table = formatHostileTable(hostile.hostile!);
    expect(table).toMatch(/\(b\) embedded\s+without\s+100\.0\s+4\.0\s+12\.3\s+300\/300/);
    expect(table).toMatch(/\(b\) embedded\s+with\s+50\.0\s+4\.0\s+12\.3\s+300\/300/);
    expect(table).toMatch(/\(a\) distributed\s+-\s+-\s+-\s+-\s+not started/);
    expect(table).toContain('(b) embedded, with/without: start-ups/s 0.500, p50 1.000, p99 1.000; neighbour: 66 requests, answers 200×44, 400×22.');
  });

  it('writes the row into the Markdown file, with the target that could not start under Problems', () => {
    const markdown = formatMarkdown(hostile);
    expect(markdown).toContain('## Hostile neighbour');
    expect(markdown).toContain('| (b) embedded | with | 50.0 | 4.0 | 12.3 | 300/300 |');
    expect(markdown).toContain('* hostile neighbour, (a) distributed: could not start: no Kafka');
  });
});
