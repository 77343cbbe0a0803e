import type { BenchReport, ConfigurationBenchReport, HostileBenchReport, HostileTargetOutcome, MeasurementOutcome, TargetOutcome } from './bench-report.types';
import type { LatencySummary } from '@workpoint/phone-sim';

const HEADERS = ['target', 'start-ups/s', 'exchanges/s', 'p50 ms', 'p99 ms', 'ok', 'failures'];
const EFFECTIVE_HEADERS = ['per phone', 'mean µs', 'p50 µs', 'p99 µs', 'phones/s'];
const IMPORT_HEADERS = ['run', 'HTTP', 'wall s', 'lines/s', 'lines', 'created', 'updated', 'unchanged', 'errors'];
const HOSTILE_HEADERS = ['target', 'neighbour', 'start-ups/s', 'p50 ms', 'p99 ms', 'ok'];
const LIST_HEADERS = ['query', 'p50 ms', 'p95 ms', 'p99 ms', 'phones/page', 'failures'];

function row(target: TargetOutcome): string[] {
  const label = `(${target.key}) ${target.name}`;
  const storm = target.storm;
  if (!storm) return [label, '-', '-', '-', '-', '-', target.status === 'skipped' ? 'not started' : 'storm failed'];
  return [
    label,
    storm.startUpsPerSec.toFixed(1),
    storm.exchangesPerSec.toFixed(1),
    storm.latencyMs.p50.toFixed(1),
    storm.latencyMs.p99.toFixed(1),
    `${storm.completedOk}/${storm.phones}`,
    String(storm.failed + storm.aborted + storm.notStarted),
  ];
}

function ratio(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(3);
}

/** Columns padded to their widest cell: the first left-aligned, the others right-aligned. */
function alignedTable(headers: readonly string[], rows: readonly string[][]): string[] {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((cells) => cells[column]!.length)));
  const lines = all.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return lines;
}

function markdownTable(headers: readonly string[], rows: readonly string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map((_, column) => (column === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
}

/** Aligned plain-text table for the terminal. */
export function formatResultTable(report: BenchReport): string {
  const lines = alignedTable(HEADERS, report.targets.map(row));
  lines.push('', `ratio a/c (start-ups/s): ${ratio(report.ratios.aOverC)}`, `ratio b/c (start-ups/s): ${ratio(report.ratios.bOverC)}`);
  return lines.join('\n');
}

// ── configuration ─────────────────────────────────────────────────────────────

const us = (value: number) => value.toFixed(0);
const ms = (value: number) => value.toFixed(1);
const differs = (a: number, b: number) => Math.abs(a - b) > 1e-9;

/** One section per measurement: a title line, then either its table or why it has none. */
interface Section {
  title: string;
  notes: string[];
  headers: readonly string[];
  rows: string[][];
}

function sections(c: ConfigurationBenchReport): Section[] {
  return [effectiveSection(c), importSection(c), listSection(c)];
}

const notMeasured = (outcome: MeasurementOutcome<unknown>) => `not measured: ${outcome.error ?? 'unknown error'}`;

function failed<T>(outcome: MeasurementOutcome<T>): string[] {
  return [notMeasured(outcome)];
}

function effectiveSection(c: ConfigurationBenchReport): Section {
  const title = `Effective configuration + delivery plan, ${c.parameters.effectivePhones} phones`;
  const r = c.effective.result;
  const api = c.phoneDetail.result;
  const notes: string[] = [];
  const rows: string[][] = [];
  // One decimal: the in-process parts are tens of µs.
  const cells = (stats: LatencySummary) => [stats.mean.toFixed(1), stats.p50.toFixed(1), stats.p99.toFixed(1)];
  if (r) {
    notes.push(
      `In-process: ${r.method}, after ${r.warmUpPhones} warm-up phones; ${r.reportedItemsPerPhone} reported items per phone.`,
      `Profiles: ${r.profileSet}.`,
      `Per phone: ${r.effectiveItemsPerPhone.toFixed(1)} effective items, ${r.pendingWritesPerPhone.toFixed(1)} pending writes; ${r.failedPhones} phone(s) failed.`,
    );
    rows.push(
      ['in-process: effective + plan', ...cells(r.totalUs), r.phonesPerSec.toFixed(0)],
      ['in-process: effective only', ...cells(r.effectiveUs), '-'],
      ['in-process: plan only', ...cells(r.planUs), '-'],
    );
  } else {
    notes.push(`In-process: ${notMeasured(c.effective)}.`);
  }
  if (api) {
    const overhead = r ? `: mean ${us(api.detailUs.mean - r.totalUs.mean)} µs above in-process (phone read, desired-state check, HTTP, the answer's JSON)` : '';
    notes.push(`Over the API: GET /api/v1/phones/{mac}, one request at a time on one keep-alive connection${overhead}; ${api.failedPhones} phone(s) failed.`);
    rows.push(['over the API, GET /phones/{mac}', ...cells(api.detailUs), api.phonesPerSec.toFixed(0)]);
  } else {
    notes.push(`Over the API: ${notMeasured(c.phoneDetail)}.`);
  }
  return { title, notes, headers: EFFECTIVE_HEADERS, rows };
}

function importSection(c: ConfigurationBenchReport): Section {
  const title = `CSV import, ${c.parameters.importLines} lines`;
  const r = c.csvImport.result;
  if (!r) return { title, notes: failed(c.csvImport), headers: IMPORT_HEADERS, rows: [] };
  return {
    title,
    notes: [`POST /api/v1/imports (text/csv, ${(r.bytes / 1024).toFixed(0)} KiB), one request per run; wall time from first byte sent to result read.`],
    headers: IMPORT_HEADERS,
    rows: r.runs.map((run) => [
      run.kind,
      String(run.status),
      (run.wallMs / 1000).toFixed(2),
      run.linesPerSec.toFixed(0),
      `${run.valid}/${run.lines}`,
      String(run.created),
      String(run.updated),
      String(run.unchanged),
      String(run.errors),
    ]),
  };
}

function listSection(c: ConfigurationBenchReport): Section {
  const p = c.parameters;
  const title = `Phone list queries over ${p.listPhones} phones`;
  const r = c.phoneList.result;
  if (!r) return { title, notes: failed(c.phoneList), headers: LIST_HEADERS, rows: [] };
  return {
    title,
    notes: [`GET /api/v1/phones, limit 100, ${p.listRequests} requests per query after ${p.listWarmUp} warm-up, one at a time; overall p99 ${ms(r.overallP99Ms)} ms.`],
    headers: LIST_HEADERS,
    rows: r.queries.map((q) => [q.kind, ms(q.ms.p50), ms(q.ms.p95), ms(q.ms.p99), q.phonesPerPage.toFixed(0), String(q.failures)]),
  };
}

/** The configuration measurements for the terminal. */
export function formatConfigurationTables(c: ConfigurationBenchReport): string {
  return sections(c)
    .map((section) => [section.title, ...section.notes.map((note) => `  ${note}`), ...(section.rows.length > 0 ? ['', ...alignedTable(section.headers, section.rows)] : [])].join('\n'))
    .join('\n\n');
}

/** What went wrong or differs from what should have come out; empty when all is well. */
export function configurationProblems(c: ConfigurationBenchReport): string[] {
  const problems: string[] = [];
  const outcomes: Array<[string, MeasurementOutcome<unknown>]> = [
    ['effective configuration', c.effective],
    ['effective configuration over the API', c.phoneDetail],
    ['CSV import', c.csvImport],
    ['phone list', c.phoneList],
  ];
  for (const [name, outcome] of outcomes) if (outcome.error) problems.push(`${name}: ${outcome.error}`);
  const effective = c.effective.result;
  const api = c.phoneDetail.result;
  if (effective && effective.failedPhones > 0) problems.push(`effective configuration: ${effective.failedPhones} phone(s) without an effective configuration`);
  if (api && api.failedPhones > 0) problems.push(`effective configuration over the API: ${api.failedPhones} phone(s) without an effective configuration or with an error answer`);
  // The same phones and profiles both ways: a difference means the in-process set-up no longer matches the service's.
  if (effective && api && (differs(effective.effectiveItemsPerPhone, api.effectiveItemsPerPhone) || differs(effective.pendingWritesPerPhone, api.pendingWritesPerPhone))) {
    problems.push(
      `effective configuration: in-process and over the API disagree: ${effective.effectiveItemsPerPhone.toFixed(2)} vs ${api.effectiveItemsPerPhone.toFixed(2)} effective items, ` +
        `${effective.pendingWritesPerPhone.toFixed(2)} vs ${api.pendingWritesPerPhone.toFixed(2)} pending writes per phone`,
    );
  }
  for (const run of c.csvImport.result?.runs ?? []) if (run.unexpected) problems.push(`CSV import, ${run.kind}: ${run.unexpected}`);
  for (const query of c.phoneList.result?.queries ?? []) if (query.failures > 0) problems.push(`phone list, ${query.kind}: ${query.failures} request(s) not answered 200`);
  return problems;
}

// ── hostile neighbour ─────────────────────────────────────────────────────────

function hostileRows(target: HostileTargetOutcome): string[][] {
  const label = `(${target.key}) ${target.name}`;
  const runs: Array<[string, TargetOutcome['storm']]> = [
    ['without', target.without],
    ['with', target.with],
  ];
  if (!target.without) return [[label, '-', '-', '-', '-', target.status === 'skipped' ? 'not started' : 'storm failed']];
  return runs.map(([name, storm]) =>
    storm
      ? [label, name, storm.startUpsPerSec.toFixed(1), storm.latencyMs.p50.toFixed(1), storm.latencyMs.p99.toFixed(1), `${storm.completedOk}/${storm.phones}`]
      : [label, name, '-', '-', '-', 'storm failed'],
  );
}

function hostileNotes(report: HostileBenchReport): string[] {
  const p = report.parameters;
  const notes = [
    `${p.phones} phones per storm, concurrency ${p.concurrency}, ${p.itemCount} items; the neighbour (from ${p.neighbourAddress}) sends ${p.bodies.join(', ')} ` +
      `in turn, each ${p.maxBodyBytes} bytes (MAX_BODY_BYTES), on ${p.connections} connection(s), ` +
      `and max-accepted (the most expensive body every cap accepts, parsed in full) on ${p.acceptedConnections} more, ` +
      `at most ${p.maxRequests} requests of each kind, each storm bounded by ${p.deadlineMs} ms.`,
  ];
  for (const target of report.targets) {
    const n = target.neighbour;
    if (target.ratios) {
      notes.push(
        `(${target.key}) ${target.name}, with/without: start-ups/s ${ratio(target.ratios.startUpsPerSec)}, p50 ${ratio(target.ratios.p50)}, p99 ${ratio(target.ratios.p99)}` +
          (n ? `; neighbour: ${n.requests} requests, answers ${Object.entries(n.answers).map(([status, count]) => `${status}×${count}`).join(', ')}` : '') +
          '.',
      );
    } else if (target.error) {
      notes.push(`(${target.key}) ${target.name}: ${target.error}.`);
    }
  }
  return notes;
}

/** The hostile-neighbour row for the terminal. */
export function formatHostileTable(report: HostileBenchReport): string {
  return ['Hostile neighbour: normal storm without and with a client sending worst-case bodies', '', ...alignedTable(HOSTILE_HEADERS, report.targets.flatMap(hostileRows)), '', ...hostileNotes(report)].join('\n');
}

/** The short Markdown file stored next to the JSON. */
export function formatMarkdown(report: BenchReport): string {
  const { machine, parameters, configuration } = report;
  const storms = report.targets.length > 0;
  const hostile = report.hostile;
  const machineLine =
    `Machine: ${machine.os}, ${machine.kernel} (${machine.arch}), ${machine.cpuModel}, ${machine.cores} cores, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}.`;
  const lines = [`# ${storms || hostile ? 'Start-up storm benchmark' : 'Configuration benchmark'}, ${report.date}`, ''];
  if (storms) {
    lines.push(
      `${parameters.phones} distinct phones (after ${parameters.warmUpPhones} warm-up phones per target), ` +
        `concurrency ${parameters.concurrency}, ${parameters.itemCount} items per ReadAllItems reply, ` +
        `Connection: ${parameters.connection}, TLS session resumption within an interaction ` +
        `${parameters.tlsSessionReuse ? 'on' : 'off'}; ceiling responder TLS key: ${parameters.responderTlsKey}.`,
      '',
      `${machineLine} Simulator and targets share this machine.`,
      '',
      ...markdownTable(HEADERS, report.targets.map(row)),
      '',
      `Ratios of start-ups/s: a/c = ${ratio(report.ratios.aOverC)}, b/c = ${ratio(report.ratios.bOverC)}.`,
    );
  } else {
    lines.push(`${machineLine} The bench and the ${hostile ? 'stacks' : 'embedded stack'} share this machine.`);
  }
  if (hostile) {
    lines.push('', '## Hostile neighbour', '', ...hostileNotes(hostile), '', ...markdownTable(HOSTILE_HEADERS, hostile.targets.flatMap(hostileRows)));
  }
  if (configuration) {
    lines.push('', '## Configuration (in-process, and through the operator API on embedded stacks, a fresh one per measurement)');
    for (const section of sections(configuration)) {
      lines.push('', `### ${section.title}`, '', ...section.notes);
      if (section.rows.length > 0) lines.push('', ...markdownTable(section.headers, section.rows));
    }
  }
  const problems: string[] = [];
  for (const target of report.targets) {
    if (target.error) problems.push(`* (${target.key}) ${target.name}: ${target.error}`);
    for (const error of target.storm?.firstErrors ?? []) problems.push(`* (${target.key}) ${target.name}: ${error}`);
  }
  for (const target of hostile?.targets ?? []) if (target.error) problems.push(`* hostile neighbour, (${target.key}) ${target.name}: ${target.error}`);
  if (configuration) problems.push(...configurationProblems(configuration).map((problem) => `* configuration, ${problem}`));
  if (problems.length > 0) lines.push('', '## Problems', '', ...problems);
  if (storms || hostile) lines.push('', 'Latencies are per exchange (request sent → response read, connection set-up included).');
  lines.push('');
  return lines.join('\n');
}
