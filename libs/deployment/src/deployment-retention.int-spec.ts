import { StorageEnvSchema } from '@workpoint/config';
import { openServiceDataSource } from '@workpoint/database';
import { capturingLogger, infraFromEnv, randomMac } from '@workpoint/testing';
import type { DataSource } from 'typeorm';
import { deploymentRetention } from './deployment.module';
import { DEPLOYMENT_SCHEMA } from './deployment.schema';

// The deployment service's retention job on the real database (it only touches PostgreSQL).

const DAY = 24 * 3600_000;
let db: DataSource;
beforeAll(async () => {
  db = await openServiceDataSource(infraFromEnv().databaseUrl, DEPLOYMENT_SCHEMA, 2, 'deployment-retention-int');
});
afterAll(() => db?.destroy());

it('deletes completed jobs past RETENTION_JOBS_DAYS, never queued or sent ones', async () => {
  const mac = randomMac();
  const now = new Date();
  const job = (state: string, completedDaysAgo: number | null) =>
    db.query(`INSERT INTO deployment_job (mac, action, items, state, created_at, completed_at, outcome) VALUES ($1, 'Restart', '[]', $2, $3, $4, $5)`, [
      mac,
      state,
      new Date(now.getTime() - 60 * DAY),
      completedDaysAgo === null ? null : new Date(now.getTime() - completedDaysAgo * DAY),
      completedDaysAgo === null ? null : 'accepted',
    ]);
  for (const [state, days] of [['done', 45], ['done', 31], ['done', 29], ['queued', null], ['sent', null]] as const) await job(state, days);

  const storage = StorageEnvSchema.parse({ RETENTION_BATCH_ROWS: '10' });
  const deleted = await deploymentRetention({ dataSource: db, logger: capturingLogger().logger }, storage).runOnce(now);

  const rows = (await db.query('SELECT state, completed_at FROM deployment_job WHERE mac = $1 ORDER BY id', [mac])) as Array<{ state: string; completed_at: Date | null }>;
  expect(rows.map((r) => [r.state, r.completed_at ? Math.round((now.getTime() - r.completed_at.getTime()) / DAY) : null])).toEqual([
    ['done', 29],
    ['queued', null],
    ['sent', null],
  ]);
  expect(deleted['deployment_job']).toBeGreaterThanOrEqual(2);
});
