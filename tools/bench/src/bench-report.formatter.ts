import type { BenchReport, TargetOutcome } from './bench-report.types';

const HEADERS = ['target', 'start-ups/s', 'exchanges/s', 'p50 ms', 'p99 ms', 'ok', 'failures'];

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

/** Aligned plain-text table for the terminal. */
export function formatResultTable(report: BenchReport): string {
  const rows = [HEADERS, ...report.targets.map(row)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const lines = rows.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  lines.push('', `ratio a/c (start-ups/s): ${ratio(report.ratios.aOverC)}`, `ratio b/c (start-ups/s): ${ratio(report.ratios.bOverC)}`);
  return lines.join('\n');
}

/** The short Markdown file stored next to the JSON. */
export function formatMarkdown(report: BenchReport): string {
  const { machine, parameters } = report;
  const lines = [
    `# Start-up storm benchmark, ${report.date}`,
    '',
    `${parameters.phones} distinct phones (after ${parameters.warmUpPhones} warm-up phones per target), ` +
      `concurrency ${parameters.concurrency}, ${parameters.itemCount} items per ReadAllItems reply, ` +
      `Connection: ${parameters.connection}, TLS session resumption within an interaction ` +
      `${parameters.tlsSessionReuse ? 'on' : 'off'}; ceiling responder TLS key: ${parameters.responderTlsKey}.`,
    '',
    `Machine: ${machine.os}, ${machine.kernel} (${machine.arch}), ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, Node ${machine.node}. Simulator and targets share this machine.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((_, column) => (column === 0 ? '---' : '---:')).join('|')}|`,
    ...report.targets.map((target) => `| ${row(target).join(' | ')} |`),
    '',
    `Ratios of start-ups/s: a/c = ${ratio(report.ratios.aOverC)}, b/c = ${ratio(report.ratios.bOverC)}.`,
  ];
  const problems = report.targets.filter((target) => target.error || (target.storm?.firstErrors.length ?? 0) > 0);
  if (problems.length > 0) {
    lines.push('', '## Problems', '');
    for (const target of problems) {
      if (target.error) lines.push(`* (${target.key}) ${target.name}: ${target.error}`);
      for (const error of target.storm?.firstErrors ?? []) lines.push(`* (${target.key}) ${target.name}: ${error}`);
    }
  }
  lines.push('', 'Latencies are per exchange (request sent → response read, connection set-up included).', '');
  return lines.join('\n');
}
