import { Kafka, logLevel } from 'kafkajs';
import { type DeadLetter, DeadLetterTopic, type TopicContract } from '@workpoint/contracts';
import { openServiceDataSource, type ServiceDataSourceOptions } from '@workpoint/database';
import type { Logger } from '@workpoint/logging';
import { KafkaBus } from '@workpoint/messaging';
import { capturingLogger, infraFromEnv, OwnPostgres, randomId } from '@workpoint/testing';
import type { DataSource } from 'typeorm';

/**
 * One handler consuming a real topic on the shared broker, against a PostgreSQL of its own
 * that the test stops and starts (an outage). Its consumer group is its own and it acts only
 * on the test's MACs, so suites running beside it see nothing of the outage.
 */
export interface OutageHarness {
  db: OwnPostgres;
  dataSource: DataSource;
  bus: KafkaBus;
  groupId: string;
  /** Every log line of the consumer under test (JSON). */
  logLines: string[];
  /** Dead letters the consumer under test published for the test's MACs, as they arrive. */
  deadLetters: DeadLetter[];
  /** Publishes a value past the bus's schema check, as a foreign producer could. */
  publishRaw(topic: TopicContract<unknown>, key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export interface OutageHarnessOptions<T> {
  name: string;
  owned: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>;
  /** The topic the handler consumes, and the others it publishes to. */
  topic: TopicContract<T>;
  publishesTo: readonly TopicContract<unknown>[];
  macs: readonly string[];
  macOf: (value: T) => string;
  handler: (deps: { bus: KafkaBus; dataSource: DataSource; logger: Logger }) => (value: T) => Promise<void>;
}

export async function startOutageHarness<T>(options: OutageHarnessOptions<T>): Promise<OutageHarness> {
  const infra = infraFromEnv();
  const brokers = infra.kafkaBrokers.split(',');
  const { logger, lines } = capturingLogger(options.name);
  const groupId = randomId(options.name);
  const deadLetters: DeadLetter[] = [];
  const db = await OwnPostgres.start();
  const dataSource = await openServiceDataSource(db.url, options.owned, 4, options.name);
  const kafka = { brokers, partitions: 6, replicationFactor: 1, sessionTimeoutMs: 10_000 };
  const bus = new KafkaBus({ ...kafka, clientId: options.name, partitionsConsumedConcurrently: 3 }, logger);
  const observer = new KafkaBus({ ...kafka, clientId: `${options.name}-observer`, partitionsConsumedConcurrently: 1 }, capturingLogger(`${options.name}-observer`).logger);
  const producer = new Kafka({ clientId: `${options.name}-raw`, brokers, logLevel: logLevel.NOTHING }).producer();
  const close = async (): Promise<void> => {
    await Promise.allSettled([bus.close(), observer.close(), producer.disconnect()]);
    await dataSource.destroy().catch(() => undefined);
    await db.destroy();
  };
  try {
    await bus.ensureTopics([...new Set([options.topic, DeadLetterTopic, ...options.publishesTo])]);
    await observer.subscribe({
      topic: DeadLetterTopic,
      groupId: `${groupId}-dead-letters`,
      fromBeginning: true,
      handle: async ({ value }) => {
        if (value.groupId === groupId && value.key !== null && options.macs.includes(value.key)) deadLetters.push(value);
      },
    });
    const handle = options.handler({ bus, dataSource, logger });
    await bus.subscribe({
      topic: options.topic,
      groupId,
      fromBeginning: true,
      handle: async ({ value }) => {
        if (options.macs.includes(options.macOf(value))) await handle(value);
      },
    });
    await producer.connect();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db,
    dataSource,
    bus,
    groupId,
    logLines: lines,
    deadLetters,
    publishRaw: async (topic, key, value) => void (await producer.send({ topic: topic.name, messages: [{ key, value }] })),
    close,
  };
}
