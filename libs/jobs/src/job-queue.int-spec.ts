import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, infraFromEnv, randomMac } from '@workpoint/testing';
import { DataSource } from 'typeorm';
import { JobQueue, jobEntitySchema } from './job-queue';

/*
 * The job queue on the real PostgreSQL, in a schema of its own. The kill matrix found sync jobs
 * left `queued` after the phone's last interaction: a re-plan (configuration's fan-out after a
 * profile change) was replacing the job's items in its transaction when the phone's contact
 * looked for its next job, and the contact passed over the locked row as if there were none.
 */

const TABLE = 'take_next_job';
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const schema = `job_queue_${letters(8)}`;
const url = infraFromEnv().databaseUrl;

let admin: DataSource;
let db: DataSource;
let jobs: JobQueue;

beforeAll(async () => {
  admin = await new DataSource({ type: 'postgres', url, extra: { max: 1 } }).initialize();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  db = await new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [jobEntitySchema(TABLE)],
    synchronize: true,
    extra: { max: 4, options: `-c search_path=${schema}` },
  }).initialize();
  jobs = new JobQueue(db, TABLE);
});

afterAll(async () => {
  await db?.destroy();
  await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin?.destroy();
});

/** Whether a statement on the job table waits for a row lock another transaction holds. */
async function waitingForRowLock(): Promise<boolean> {
  const rows: Array<{ n: number }> = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
    [`%${TABLE}%FOR UPDATE%`],
  );
  return rows[0]!.n > 0;
}

it('takes a queued job whose items another transaction is replacing once that transaction commits, with the new items, instead of passing over it', async () => {
  const mac = randomMac();
  const { id } = await jobs.enqueue(mac, 'WriteItems', [{ name: 'sntp-addr', value: 'ntp.old.test' }]);
  const replan = db.createQueryRunner();
  await replan.connect();
  try {
    await replan.startTransaction();
    expect(await jobs.replaceQueuedItems(id, [{ name: 'sntp-addr', value: 'ntp.new.test' }], replan.manager)).toBe(true);

    let answered = false;
    const taking = jobs.takeNext(mac, randomUUID(), randomUUID(), (remaining) => remaining.length).finally(() => (answered = true));
    // The contact either waits for the re-plan's row lock or (the fault) answers without the job.
    await eventually(async () => (answered || (await waitingForRowLock()) ? true : undefined));
    await replan.commitTransaction();

    const taken = await taking;
    expect(taken).toMatchObject({ id, state: 'sent', items: [{ name: 'sntp-addr', value: 'ntp.new.test' }] });
    expect(await jobs.stateOf(id)).toBe('sent');
  } finally {
    if (replan.isTransactionActive) await replan.rollbackTransaction();
    await replan.release();
  }
});

it('takes the next queued job when the one it waited for was dropped meanwhile', async () => {
  const mac = randomMac();
  const { id: dropped } = await jobs.enqueue(mac, 'WriteItems', [{ name: 'sntp-addr', value: 'ntp.old.test' }]);
  const { id: next } = await jobs.enqueue(mac, 'ReadItems', [{ name: 'e164', value: null }]);
  const replan = db.createQueryRunner();
  await replan.connect();
  try {
    await replan.startTransaction();
    expect(await jobs.dropQueued(dropped, replan.manager)).toBe(true);

    let answered = false;
    const taking = jobs.takeNext(mac, randomUUID(), randomUUID(), (remaining) => remaining.length).finally(() => (answered = true));
    await eventually(async () => (answered || (await waitingForRowLock()) ? true : undefined));
    await replan.commitTransaction();

    expect(await taking).toMatchObject({ id: next, state: 'sent', action: 'ReadItems' });
    expect(await jobs.stateOf(dropped)).toBeUndefined();
  } finally {
    if (replan.isTransactionActive) await replan.rollbackTransaction();
    await replan.release();
  }
});
