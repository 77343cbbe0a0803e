import type { FleetLosses } from './fleet.check';
import { type KillMatrixRow, rowLost } from './kill-matrix.runner';

export interface KillMatrixRun {
  startedAt: Date;
  phones: number;
  concurrency: number;
  /** Machine notes: cores, load average at start and end. */
  machine: string;
  rows: KillMatrixRow[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The kill matrix as Markdown: one table line per target, then the first lost or doubled things of each. */
export function formatKillMatrix(run: KillMatrixRun): string {
  const lines = [
    `# Kill matrix, ${run.startedAt.toISOString()}`,
    '',
    `${run.phones} phones per storm (start-up with a queued ReadItems job each, a FileDeployment job for every 50th, a fleet profile write), ${run.concurrency} at once, two gateways; the target is killed with SIGKILL once 15 % of the phones completed and restarted 2 s later on the same ports and data. ${run.machine}`,
    '',
    '| killed | phones | completed | delayed (needed a retry) | longest delay | most attempts | outage | jobs queued | lost rows | lost jobs | lost outcomes | lost events | duplicate facts |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...run.rows.map(
      (r) =>
        `| ${r.target} | ${r.phones} | ${r.completed} | ${r.delayed} | ${seconds(r.longestDelayMs)} | ${r.mostAttempts} | ${seconds(r.outageMs)} | ${r.jobs} | ${r.losses.rows.length} | ${r.losses.jobs.length} | ${r.losses.outcomes.length} | ${r.losses.events.length} | ${r.losses.duplicates.length} |`,
    ),
    '',
    run.rows.some(rowLost) ? '**Something was lost or doubled** (first entries of each):' : 'Nothing lost, nothing under two identities.',
  ];
  for (const row of run.rows.filter(rowLost)) {
    lines.push('', `## ${row.target}`);
    if (row.completed < row.phones) lines.push(`- ${row.phones - row.completed} phones never completed`);
    for (const kind of Object.keys(row.losses) as (keyof FleetLosses)[]) {
      for (const entry of row.losses[kind].slice(0, 10)) lines.push(`- ${kind}: ${entry}`);
      if (row.losses[kind].length > 10) lines.push(`- ${kind}: … ${row.losses[kind].length - 10} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}
