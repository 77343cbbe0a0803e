import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process';
import { formatKillMatrix } from './kill-matrix/kill-matrix-report.formatter';
import { KILL_TARGETS, type KillTarget, rowLost, runKillMatrix } from './kill-matrix/kill-matrix.runner';

/**
 * `npm run kill-matrix`: the distributed stack on tools/infra's Kafka and PostgreSQL, a storm per
 * target, each target killed (SIGKILL) and restarted during its storm; prints the table, writes it
 * to bench/results/kill-matrix-<timestamp>.md, exits 1 when anything was lost.
 * KILL_MATRIX_PHONES (1000), KILL_MATRIX_CONCURRENCY (100), KILL_MATRIX_TARGETS (all, comma list).
 */
async function main(): Promise<number> {
  const kafkaBrokers = required('KAFKA_BROKERS');
  const databaseUrl = required('DATABASE_URL');
  const phones = Number(process.env['KILL_MATRIX_PHONES'] ?? 1000);
  const concurrency = Number(process.env['KILL_MATRIX_CONCURRENCY'] ?? 100);
  const targets = (process.env['KILL_MATRIX_TARGETS']?.split(',') ?? [...KILL_TARGETS]) as KillTarget[];
  for (const t of targets) if (!KILL_TARGETS.includes(t)) throw new Error(`unknown target ${t} (use ${KILL_TARGETS.join(', ')})`);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ');
  const rows = await runKillMatrix({
    kafkaBrokers,
    databaseUrl,
    phones,
    concurrency,
    targets,
    logDir: join(REPO_ROOT, 'tmp', 'kill-matrix', stamp),
    log: (line) => console.log(`[${new Date().toISOString()}] ${line}`),
  });
  const machine = `Machine: ${cpus().length} cores, load average ${loadBefore} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (1/5/15 min).`;
  const report = formatKillMatrix({ startedAt, phones, concurrency, machine, rows });
  const dir = process.env['KILL_MATRIX_RESULTS_DIR'] ?? join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kill-matrix-${stamp}.md`);
  writeFileSync(file, report);
  console.log(`\n${report}\nwritten to ${file}`);
  return rows.some(rowLost) ? 1 : 0;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run under tools/infra/with-infra.sh`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
