import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { DeadLetterEntity, type DeadLetterRow, InProcessBus } from '@workpoint/messaging';
import { DeadLetterModule, DeadLetterRetention, StageCoreModule } from '@workpoint/runtime';
import { capturingLogger, infraFromEnv, randomMac } from '@workpoint/testing';
import { openServiceDataSource } from '@workpoint/database';
import type { DataSource, Repository } from 'typeorm';
import { DEPLOYMENT_SCHEMA } from './deployment.schema';

// Dead-letter retention on the real database, in deployment's schema (inventory and
// configuration run the same DeadLetterModule over their own `dead_letter` tables).

const DAY = 24 * 3600_000;
const { logger } = capturingLogger('dead-letter-retention-int');
let db: DataSource;
let letters: Repository<DeadLetterRow>;
beforeAll(async () => {
  db = await openServiceDataSource(infraFromEnv().databaseUrl, DEPLOYMENT_SCHEMA, 4, 'dead-letter-retention-int');
  letters = db.getRepository<DeadLetterRow>(DeadLetterEntity);
});
afterAll(() => db?.destroy());

/** One instance of the service's dead-letter module (without its timers: the test runs the sweep). */
async function instance(keepDays: number, batchRows: number): Promise<DeadLetterRetention> {
  const bus = new InProcessBus(logger);
  const moduleRef = await Test.createTestingModule({
    imports: [StageCoreModule.forRoot({ bus, dataSource: db, logger }), DeadLetterModule.forRoot({ retention: { keepDays, intervalMs: 3600_000, batchRows } })],
  }).compile();
  return moduleRef.get(DeadLetterRetention);
}

function letter(key: string, failedDaysAgo: number, replay: 'none' | 'requested' | 'replayed', now: Date): DeadLetterRow {
  const at = (days: number) => new Date(now.getTime() - days * DAY);
  return {
    id: randomUUID(),
    sourceTopic: 'deployment.job.requested.v1',
    groupId: 'workpoint-deployment',
    key,
    headers: {},
    value: '{}',
    valueSealed: false,
    errorCode: 'permanent-failure',
    error: 'test',
    attempts: 1,
    failedAt: at(failedDaysAgo),
    replayRequestedAt: replay === 'none' ? null : at(failedDaysAgo - 1),
    replayedAt: replay === 'replayed' ? at(failedDaysAgo - 1) : null,
  };
}

it('deletes letters past DEAD_LETTER_RETENTION_DAYS in batches, never one waiting for its replay, sharing the work between instances', async () => {
  const now = new Date();
  const mac = randomMac();
  const rows = [
    ...Array.from({ length: 25 }, () => letter(mac, 45, 'none', now)),
    letter(mac, 31, 'replayed', now),
    letter(mac, 40, 'requested', now),
    letter(mac, 29, 'none', now),
    letter(mac, 1, 'requested', now),
  ];
  await letters.insert(rows);

  // Two instances of the service sweep at once, 10 letters a batch.
  const [a, b] = await Promise.all([instance(30, 10), instance(30, 10)]);
  const runs = await Promise.all([a.runOnce(now), b.runOnce(now)]);

  const left = await letters.find({ where: { key: mac }, order: { failedAt: 'ASC' } });
  expect(left.map((l) => [Math.round((now.getTime() - l.failedAt.getTime()) / DAY), l.replayRequestedAt !== null, l.replayedAt !== null])).toEqual([
    [40, true, false],
    [29, false, false],
    [1, true, false],
  ]);
  // Each old letter deleted by exactly one of the two (other suites' letters in this table are recent).
  expect(runs.reduce((sum, r) => sum + (r['dead_letter'] ?? 0), 0)).toBeGreaterThanOrEqual(26);
});

it('keeps everything younger than the period it is given', async () => {
  const now = new Date();
  const mac = randomMac();
  await letters.insert([letter(mac, 45, 'none', now), letter(mac, 10, 'none', now)]);
  await (await instance(60, 10)).runOnce(now);
  expect(await letters.countBy({ key: mac })).toBe(2);
  await (await instance(20, 10)).runOnce(now);
  expect(await letters.countBy({ key: mac })).toBe(1);
});
