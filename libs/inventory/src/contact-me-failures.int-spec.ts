import { setTimeout as sleep } from 'node:timers/promises';
import type { INestMicroservice } from '@nestjs/common';
import { ContactMeAttemptedTopic, ContactMeRequestedTopic, type DeadLetter, DeadLetterTopic } from '@workpoint/contracts';
import { openServiceDataSource } from '@workpoint/database';
import { DeadLetterEntity, type DeadLetterRow, KafkaBus } from '@workpoint/messaging';
import { startStageApp } from '@workpoint/runtime';
import { capturingLogger, distinctMacs, eventually, infraFromEnv, OwnPostgres, randomId } from '@workpoint/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

/**
 * Issue 9 on the real inventory stage app (Kafka + a PostgreSQL of its own): contact-me
 * requests keep coming while the database stops for 10 s; each is carried out (for these
 * unknown phones: a recorded `no-target` attempt) once it is back, none is dead-lettered. A
 * malformed request is dead-lettered once, on the topic and in inventory's own table (its
 * senders are our own services, so it gets no failure event: see the report of issue 9).
 */
const OUTAGE_MS = 10_000;
const macs = distinctMacs(9);
const requestMacs = macs.slice(0, 8);
const malformedMac = macs[8]!;
const CONTACT_ME = { gapMs: 60_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 1 } };

let db: OwnPostgres;
let dataSource: DataSource;
let bus: KafkaBus;
let app: INestMicroservice;
const { logger, lines } = capturingLogger('contact-me-failures-int');
const deadLetters: DeadLetter[] = [];

beforeAll(async () => {
  db = await OwnPostgres.start();
  dataSource = await openServiceDataSource(db.url, INVENTORY_SCHEMA, 4, 'contact-me-failures-int');
  bus = new KafkaBus(
    { brokers: infraFromEnv().kafkaBrokers.split(','), clientId: 'contact-me-failures-int', partitions: 6, replicationFactor: 1, partitionsConsumedConcurrently: 3, sessionTimeoutMs: 10_000 },
    logger,
  );
  await bus.ensureTopics([ContactMeRequestedTopic, ContactMeAttemptedTopic, DeadLetterTopic]);
  await bus.subscribe({ topic: DeadLetterTopic, groupId: randomId('dead'), fromBeginning: true, handle: async ({ value }) => void (value.key !== null && macs.includes(value.key) && deadLetters.push(value)) });
  app = await startStageApp({ stage: 'inventory', deps: { bus, dataSource, logger }, module: () => InventoryModule.forRoot({ contactMe: CONTACT_ME }) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await bus?.close();
  if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
  await db?.destroy();
});

async function attempted(): Promise<string[]> {
  const rows: Array<{ mac: string }> = await dataSource.query('SELECT DISTINCT mac FROM contact_me_attempt WHERE mac = ANY($1)', [requestMacs]);
  return rows.map((r) => r.mac).sort();
}

describe('contact-me requests on the inventory stage app', () => {
  it('carries out every request of a stream cut by a 10 s outage, and dead-letters none', async () => {
    const request = (mac: string) => bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'failures-int', at: new Date().toISOString() });
    await Promise.all(requestMacs.slice(0, 2).map(request));
    await eventually(async () => ((await attempted()).length === 2 ? true : undefined));
    await db.pause();
    await Promise.all(requestMacs.slice(2).map(request));
    await eventually(async () => lines.find((l) => l.includes('handler failed on a transient error')));
    await sleep(OUTAGE_MS);
    await db.resume();
    expect(await eventually(async () => ((await attempted()).length === requestMacs.length ? attempted() : undefined), 60_000)).toEqual([...requestMacs].sort());
    expect(deadLetters.filter((d) => requestMacs.includes(d.key ?? ''))).toEqual([]);
  }, 120_000);

  it('dead-letters a malformed request once, on the topic and in its own table, masked rather than sealed', async () => {
    const producer = new Kafka({ clientId: 'contact-me-failures-raw', brokers: infraFromEnv().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: ContactMeRequestedTopic.name, messages: [{ key: malformedMac, value: JSON.stringify({ mac: malformedMac }) }] });
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => (deadLetters.some((d) => d.key === malformedMac) ? true : undefined));
    const stored = await eventually(async () => {
      const rows = await dataSource.getRepository<DeadLetterRow>(DeadLetterEntity).findBy({ key: malformedMac });
      return rows.length > 0 ? rows : undefined;
    });
    expect(stored).toEqual([expect.objectContaining({ sourceTopic: ContactMeRequestedTopic.name, errorCode: 'invalid-message', valueSealed: false, attempts: 0 })]);
    expect(deadLetters.filter((d) => d.key === malformedMac)).toHaveLength(1);
  });
});
