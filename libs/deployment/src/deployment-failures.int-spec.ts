import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { INestMicroservice } from '@nestjs/common';
import { type DeadLetter, DeadLetterTopic, DeploymentJobRequestedTopic, JOB_TOPICS, type JobRejected } from '@workpoint/contracts';
import { openServiceDataSource } from '@workpoint/database';
import { DeadLetterEntity, type DeadLetterRow, KafkaBus } from '@workpoint/messaging';
import { startStageApp } from '@workpoint/runtime';
import { capturingLogger, distinctMacs, eventually, infraFromEnv, OwnPostgres, randomId } from '@workpoint/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DeploymentModule } from './deployment.module';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

/**
 * Issue 9, the whole failure story on the real stage app (Kafka + a PostgreSQL of its own):
 * the database stops for 10 s in the middle of a stream of job commands; every command is
 * carried out once it is back and none is dead-lettered. A malformed command is rejected at
 * once: a failure event for its sender and one dead letter. A command the database refuses
 * (a trigger standing for a handler bug) is rejected and dead-lettered, and `workpoint dlq
 * replay` (the built CLI) brings it back once the trigger is dropped.
 */
const OUTAGE_MS = 10_000;
const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');
const macs = distinctMacs(13);
const streamMacs = macs.slice(0, 11);
const malformedMac = macs[11]!;
const refusedMac = macs[12]!;
const secretKey = randomBytes(32).toString('base64');

let db: OwnPostgres;
let dataSource: DataSource;
let bus: KafkaBus;
let observer: KafkaBus;
let producer: Producer;
let app: INestMicroservice;
const { logger, lines } = capturingLogger('deployment-failures-int');
const rejected: JobRejected[] = [];
const deadLetters: DeadLetter[] = [];

beforeAll(async () => {
  const brokers = infraFromEnv().kafkaBrokers.split(',');
  db = await OwnPostgres.start();
  dataSource = await openServiceDataSource(db.url, DEPLOYMENT_SCHEMA, 4, 'deployment-failures-int');
  const kafka = { brokers, partitions: 6, replicationFactor: 1, sessionTimeoutMs: 10_000 };
  bus = new KafkaBus({ ...kafka, clientId: 'deployment-failures-int', partitionsConsumedConcurrently: 3 }, logger);
  observer = new KafkaBus({ ...kafka, clientId: 'deployment-failures-observer', partitionsConsumedConcurrently: 1 }, capturingLogger('observer').logger);
  await bus.ensureTopics([DeploymentJobRequestedTopic, JOB_TOPICS.deployment.rejected, DeadLetterTopic]);
  const mine = (key: string | null) => key !== null && macs.includes(key);
  await observer.subscribe({ topic: JOB_TOPICS.deployment.rejected, groupId: randomId('rejected'), fromBeginning: true, handle: async ({ value }) => void (mine(value.mac) && rejected.push(value)) });
  await observer.subscribe({ topic: DeadLetterTopic, groupId: randomId('dead'), fromBeginning: true, handle: async ({ value }) => void (mine(value.key) && deadLetters.push(value)) });
  app = await startStageApp({ stage: 'deployment', deps: { bus, dataSource, logger }, module: () => DeploymentModule.forRoot({ secretKey }), deadLetters: { secretKey } });
  producer = new Kafka({ clientId: 'deployment-failures-raw', brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await Promise.allSettled([bus?.close(), observer?.close(), producer?.disconnect()]);
  if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
  await db?.destroy();
});

const command = (mac: string, requestId = randomUUID()) => ({
  requestId,
  mac,
  action: 'FileDeployment' as const,
  items: [
    { name: 'file-https-base-url', value: `https://files.example/${mac.replace(/:/g, '')}.wav` },
    { name: 'file-type', value: 'RINGTONE' },
    { name: 'file-pwd', value: 'hunter2' },
  ],
  contactMe: false,
  requestedBy: 'failures-int',
});

async function jobsFor(requestIds: string[]): Promise<string[]> {
  const rows: Array<{ request_id: string }> = await dataSource.query(`SELECT request_id FROM ${DEPLOYMENT_JOB_TABLE} WHERE request_id = ANY($1)`, [requestIds]);
  return rows.map((r) => r.request_id).sort();
}

describe('deployment job commands: outage, rejection, dead letter, replay', () => {
  it('carries out every command of a stream cut by a 10 s outage, and dead-letters none', async () => {
    const requestIds = streamMacs.map(() => randomUUID());
    const send = (from: number, to: number) => Promise.all(streamMacs.slice(from, to).map((mac, i) => bus.publish(DeploymentJobRequestedTopic, mac, command(mac, requestIds[from + i]))));
    await send(0, 3);
    await eventually(async () => ((await jobsFor(requestIds.slice(0, 3))).length === 3 ? true : undefined));
    await db.pause();
    await send(3, 11);
    await eventually(async () => lines.find((l) => l.includes('handler failed on a transient error')));
    await sleep(OUTAGE_MS);
    await db.resume();
    const stored = await eventually(async () => {
      const found = await jobsFor(requestIds);
      return found.length === requestIds.length ? found : undefined;
    }, 60_000);
    expect(stored).toEqual([...requestIds].sort());
    expect(deadLetters.filter((d) => streamMacs.includes(d.key ?? ''))).toEqual([]);
    expect(rejected.filter((r) => streamMacs.includes(r.mac ?? ''))).toEqual([]);
  }, 120_000);

  it('rejects a malformed command with a failure event for its sender and exactly one dead letter', async () => {
    const requestId = randomUUID();
    await producer.send({ topic: DeploymentJobRequestedTopic.name, messages: [{ key: malformedMac, value: JSON.stringify({ requestId, mac: malformedMac, action: 'Reboot' }) }] });
    const event = await eventually(async () => rejected.find((r) => r.mac === malformedMac));
    expect(event).toMatchObject({ requestId, sourceTopic: DeploymentJobRequestedTopic.name, code: 'invalid-command' });
    await eventually(async () => (deadLetters.some((d) => d.key === malformedMac) ? true : undefined));
    const stored = await dataSource.getRepository<DeadLetterRow>(DeadLetterEntity).findBy({ key: malformedMac });
    // Both copies of the letter (topic and table) exist once; a second would have come by now with the first.
    await sleep(1000);
    expect(deadLetters.filter((d) => d.key === malformedMac)).toHaveLength(1);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ errorCode: 'invalid-message', attempts: 0, valueSealed: true });
  });

  it('brings a refused command back with workpoint dlq replay once its cause is gone', async () => {
    await dataSource.query(`CREATE FUNCTION refuse_phone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF upper(NEW.mac) = upper('${refusedMac}') THEN RAISE EXCEPTION 'phone not allowed yet' USING ERRCODE = '22023'; END IF; RETURN NEW; END $$`);
    await dataSource.query(`CREATE TRIGGER refuse_phone BEFORE INSERT ON ${DEPLOYMENT_JOB_TABLE} FOR EACH ROW EXECUTE FUNCTION refuse_phone()`);
    const requestId = randomUUID();
    await bus.publish(DeploymentJobRequestedTopic, refusedMac, command(refusedMac, requestId));
    expect(await eventually(async () => rejected.find((r) => r.mac === refusedMac))).toMatchObject({ requestId, code: 'rejected', reason: '22023' });
    const [letter] = await eventually(async () => {
      const rows = await dataSource.getRepository<DeadLetterRow>(DeadLetterEntity).findBy({ key: refusedMac });
      return rows.length > 0 ? rows : undefined;
    });
    expect(letter!.value).not.toContain('hunter2');
    expect(await jobsFor([requestId])).toEqual([]);

    await dataSource.query(`DROP TRIGGER refuse_phone ON ${DEPLOYMENT_JOB_TABLE}`);
    const env = { ...process.env, DATABASE_URL: db.url };
    const list = await promisify(execFile)('node', [CLI, 'dlq', 'list', '--service', 'deployment', '--json'], { env });
    expect(list.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string })).toContainEqual(expect.objectContaining({ id: letter!.id, state: 'dead' }));
    const replay = await promisify(execFile)('node', [CLI, 'dlq', 'replay', letter!.id], { env });
    expect(replay.stdout).toContain(`${letter!.id} replayed to ${DeploymentJobRequestedTopic.name}`);
    expect(await eventually(async () => ((await jobsFor([requestId])).length === 1 ? jobsFor([requestId]) : undefined))).toEqual([requestId]);
  }, 90_000);
});
