import type { BenchReport, ConfigurationBenchReport, MeasurementOutcome, TargetOutcome } from './bench-report.types';

const HEADERS = ['target', 'start-ups/s', 'exchanges/s', 'p50 ms', 'p99 ms', 'ok', 'failures'];
const EFFECTIVE_HEADERS = ['request', 'mean µs', 'p50 µs', 'p99 µs', 'phones/s'];
const IMPORT_HEADERS = ['run', 'HTTP', 'wall s', 'lines/s', 'lines', 'created', 'updated', 'unchanged', 'errors'];
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

function failed<T>(outcome: MeasurementOutcome<T>): string[] {
  return [`not measured: ${outcome.error ?? 'unknown error'}`];
}

function effectiveSection(c: ConfigurationBenchReport): Section {
  const title = `Effective configuration + delivery plan, ${c.parameters.effectivePhones} phones`;
  const r = c.effective.result;
  if (!r) return { title, notes: failed(c.effective), headers: EFFECTIVE_HEADERS, rows: [] };
  return {
    title,
    notes: [
      `Measured through the ${r.method}; ${r.reportedItemsPerPhone} reported items per phone.`,
      `Profiles: ${r.profileSet}.`,
      `Per phone: ${r.effectiveItemsPerPhone.toFixed(1)} effective items, ${r.pendingWritesPerPhone.toFixed(1)} pending writes; ${r.failedPhones} phone(s) failed.`,
      `Detail minus baseline (computation, the desired-state check and the larger answer): mean ${us(r.detailUs.mean - r.baselineUs.mean)} µs, p50 ${us(r.detailUs.p50 - r.baselineUs.p50)} µs.`,
    ],
    headers: EFFECTIVE_HEADERS,
    rows: [
      ['GET /phones/{mac}', us(r.detailUs.mean), us(r.detailUs.p50), us(r.detailUs.p99), r.phonesPerSec.toFixed(0)],
      ['GET /phones/{mac}/history (baseline)', us(r.baselineUs.mean), us(r.baselineUs.p50), us(r.baselineUs.p99), '-'],
    ],
  };
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

/** What went wrong or differs from what the API should have answered; empty when all is well. */
export function configurationProblems(c: ConfigurationBenchReport): string[] {
  const problems: string[] = [];
  const outcomes: Array<[string, MeasurementOutcome<unknown>]> = [
    ['effective configuration', c.effective],
    ['CSV import', c.csvImport],
    ['phone list', c.phoneList],
  ];
  for (const [name, outcome] of outcomes) if (outcome.error) problems.push(`${name}: ${outcome.error}`);
  const failedPhones = c.effective.result?.failedPhones ?? 0;
  if (failedPhones > 0) problems.push(`effective configuration: ${failedPhones} phone(s) without an effective configuration or with an error answer`);
  for (const run of c.csvImport.result?.runs ?? []) if (run.unexpected) problems.push(`CSV import, ${run.kind}: ${run.unexpected}`);
  for (const query of c.phoneList.result?.queries ?? []) if (query.failures > 0) problems.push(`phone list, ${query.kind}: ${query.failures} request(s) not answered 200`);
  return problems;
}

/** The short Markdown file stored next to the JSON. */
export function formatMarkdown(report: BenchReport): string {
  const { machine, parameters, configuration } = report;
  const storms = report.targets.length > 0;
  const machineLine =
    `Machine: ${machine.os}, ${machine.kernel} (${machine.arch}), ${machine.cpuModel}, ${machine.cores} cores, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}.`;
  const lines = [`# ${storms ? 'Start-up storm benchmark' : 'Configuration benchmark'}, ${report.date}`, ''];
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
    lines.push(`${machineLine} The bench and the embedded stack share this machine.`);
  }
  if (configuration) {
    lines.push('', '## Configuration through the operator API (embedded stack, a fresh one per measurement)');
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
  if (configuration) problems.push(...configurationProblems(configuration).map((problem) => `* configuration, ${problem}`));
  if (problems.length > 0) lines.push('', '## Problems', '', ...problems);
  if (storms) lines.push('', 'Latencies are per exchange (request sent → response read, connection set-up included).');
  lines.push('');
  return lines.join('\n');
}
