import { cpus, loadavg } from 'node:os';
import { formatKillMatrix, KILL_TARGETS, type KillMatrixRow, runKillMatrix } from '@workpoint/stack';
import { infraFromEnv } from '@workpoint/testing';

/**
 * The kill matrix (npm run kill-matrix) on a smaller fleet: the distributed stack with two
 * gateways; for each of the broker, PostgreSQL, the three services and one gateway, a storm of
 * new phones with jobs queued, during which the target is killed with SIGKILL and restarted.
 * Every phone must get through (after its own retries), and nothing may be lost: inventory rows,
 * jobs and their outcomes, integration events; no fact may appear under two identities.
 * KILL_MATRIX_E2E_PHONES sets the fleet per target: 150 by default, so the matrix fits in
 * `npm test` (the script, npm run kill-matrix, keeps 1,000).
 */
const PHONES = Number(process.env['KILL_MATRIX_E2E_PHONES'] ?? 150);

describe('kill matrix on the distributed stack', () => {
  const rows = new Map<string, KillMatrixRow>();
  let failure: unknown;

  beforeAll(async () => {
    const infra = infraFromEnv();
    const startedAt = new Date();
    try {
      for (const row of await runKillMatrix({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, phones: PHONES, concurrency: 100 })) {
        rows.set(row.target, row);
      }
    } catch (error) {
      failure = error;
    }
    // The table, as npm run kill-matrix prints it, for the CI log.
    const machine = `Machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`;
    process.stdout.write(formatKillMatrix({ startedAt, phones: PHONES, concurrency: 100, machine, rows: [...rows.values()] }));
  }, 60 * 60_000);

  it('ran every target', () => {
    expect(failure).toBeUndefined();
    expect([...rows.keys()]).toEqual([...KILL_TARGETS]);
  });

  it.each([...KILL_TARGETS])('killing %s: every phone completes, nothing is lost or doubled', (target) => {
    const row = rows.get(target);
    expect(row).toBeDefined();
    expect(row!.completed).toBe(PHONES);
    expect(row!.losses).toEqual({ rows: [], jobs: [], outcomes: [], events: [], duplicates: [] });
  });
});
