import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ContactMeRequestedTopic, deterministicEventId, JOB_TOPICS, type JobCompleted, type TopicContract } from '@workpoint/contracts';
import { openServiceDataSource } from '@workpoint/database';
import { JobQueue, JobStageUseCase } from '@workpoint/jobs';
import { contactOf } from '@workpoint/jobs/src/testing/job-fixtures';
import { type Bus, KafkaBus } from '@workpoint/messaging';
import { StageCoreModule } from '@workpoint/runtime';
import { capturingLogger, eventually, infraFromEnv, randomId, randomMac } from '@workpoint/testing';
import type { DataSource } from 'typeorm';
import { DeploymentModule } from '../deployment.module';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from '../deployment.schema';

/**
 * Issue 9's kill matrix lost `deployment.job.completed.v1` events: the job was committed as
 * done, then the event published; PostgreSQL killed between the two, and the redelivered contact
 * found the job done and published nothing. The completion and its event are now one
 * transaction (the outbox), relayed after the commit.
 */
const COMPLETED = JOB_TOPICS.deployment.completed;
const { logger } = capturingLogger('deployment-completion-int');
let dataSource: DataSource;
let kafka: KafkaBus;
let app: INestApplicationContext;
/** While true, the stage's bus refuses to publish completion events (the broker is "away" for them). */
let completionsRefused = false;
const seen: JobCompleted[] = [];

/** The stage's bus: the real one, except for completion events while they are refused. */
function gatedBus(bus: Bus): Bus {
  return {
    publish: async (topic, key, value, headers) => {
      if (completionsRefused && topic.name === COMPLETED.name) throw new Error('broker unavailable (test)');
      await bus.publish(topic, key, value, headers);
    },
    subscribe: (subscription) => bus.subscribe(subscription),
    ensureTopics: (topics: readonly TopicContract<unknown>[]) => bus.ensureTopics(topics),
    reachable: () => bus.reachable(),
    live: () => bus.live(),
    stopConsuming: () => bus.stopConsuming(),
    close: async () => undefined,
  };
}

beforeAll(async () => {
  const infra = infraFromEnv();
  dataSource = await openServiceDataSource(infra.databaseUrl, DEPLOYMENT_SCHEMA, 4, 'deployment-completion-int');
  kafka = new KafkaBus({ brokers: infra.kafkaBrokers.split(','), clientId: 'deployment-completion-int', partitions: 6, replicationFactor: 1, partitionsConsumedConcurrently: 1, sessionTimeoutMs: 10_000 }, logger);
  // Every topic the stage publishes to (pending counts, contact-me), not only the completions: run alone, nothing else creates them.
  await kafka.ensureTopics([...Object.values(JOB_TOPICS.deployment), ContactMeRequestedTopic]);
  await kafka.subscribe({ topic: COMPLETED, groupId: randomId('completed'), fromBeginning: true, handle: async ({ value }) => void seen.push(value) });
  const moduleRef = await Test.createTestingModule({
    imports: [StageCoreModule.forRoot({ bus: gatedBus(kafka), dataSource, logger }), DeploymentModule.forRoot({ secretKey: randomBytes(32).toString('base64') })],
  }).compile();
  app = await moduleRef.init();
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (dataSource?.isInitialized) await dataSource.destroy();
  await kafka?.close();
});

/** A FileDeployment sent to a new phone, and the status contact that settles it. */
async function sentFileDeployment(): Promise<{ id: string; status: ReturnType<typeof contactOf> }> {
  const mac = randomMac();
  const { id } = await new JobQueue(dataSource, DEPLOYMENT_JOB_TABLE).enqueue(mac, 'FileDeployment', [
    { name: 'file-https-base-url', value: 'https://files.example/ring.wav' },
    { name: 'file-type', value: 'RINGTONE' },
  ]);
  const useCase = app.get(JobStageUseCase);
  expect(await useCase.handle({ ...contactOf({ reason: 'solicited' }), mac })).toMatchObject({ kind: 'answer', action: 'FileDeployment' });
  const status = {
    ...contactOf({
      reason: 'status',
      items: [
        { name: 'file-deployment-name', value: 'ring.wav', index: 1 },
        { name: 'file-deployment-type', value: 'RINGTONE', index: 1 },
        { name: 'file-deployment-status', value: 'ok', index: 1 },
      ],
    }),
    mac,
  };
  return { id, status };
}

const stateOf = async (id: string) => ((await dataSource.query(`SELECT state FROM ${DEPLOYMENT_JOB_TABLE} WHERE id = $1`, [id])) as { state: string }[])[0]?.state;

describe('deployment job completion', () => {
  it('commits the job as done only together with its completion event (one transaction)', async () => {
    const { id, status } = await sentFileDeployment();
    // Hold back every write to the outbox table (reads stay free) from another connection.
    const blocker = dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    let settling: Promise<unknown> | undefined;
    try {
      await blocker.query('LOCK TABLE outbox IN SHARE MODE');
      settling = app.get(JobStageUseCase).handle(status);
      // The completion waits on the outbox's lock, inside its transaction…
      await eventually(async () => {
        const waiting = (await dataSource.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO outbox%' AND datname = current_database()`,
        )) as unknown[];
        return waiting.length > 0 ? true : undefined;
      });
      // …so nobody sees the job done before its event is written.
      expect(await stateOf(id)).toBe('sent');
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await settling;
    expect(await stateOf(id)).toBe('done');
  });

  it('delivers a completion the broker refused once it is back: exactly once, under the eventId the transaction decided', async () => {
    const { id, status } = await sentFileDeployment();
    completionsRefused = true;
    try {
      // The contact is handled in full although its event cannot be published now.
      await app.get(JobStageUseCase).handle(status);
      expect(await stateOf(id)).toBe('done');
      const [row] = (await dataSource.query(`SELECT value FROM outbox WHERE topic = $1 AND value->>'jobId' = $2`, [COMPLETED.name, id])) as { value: JobCompleted }[];
      expect(row?.value).toMatchObject({ jobId: id, outcome: 'accepted', eventId: deterministicEventId(id, COMPLETED.name) });
    } finally {
      completionsRefused = false;
    }
    await eventually(async () => {
      const [row] = (await dataSource.query(`SELECT published_at FROM outbox WHERE topic = $1 AND value->>'jobId' = $2`, [COMPLETED.name, id])) as { published_at: Date | null }[];
      return row?.published_at ?? undefined;
    });
    const mine = await eventually(async () => {
      const events = seen.filter((e) => e.jobId === id && e.mac === status.mac);
      return events.length > 0 ? events : undefined;
    });
    expect(mine).toEqual([expect.objectContaining({ jobId: id, outcome: 'accepted', eventId: deterministicEventId(id, COMPLETED.name) })]);
  });
});
