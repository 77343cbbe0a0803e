import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import { z } from 'zod';
import { defineTopic } from '@workpoint/contracts';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import { KafkaBus } from './kafka.bus';

const infra = infraFromEnv();

/** Graceful shutdown of a consumer on the real broker (SIGTERM: Bus.stopConsuming before the app closes). */
describe('KafkaBus.stopConsuming', () => {
  const { logger } = capturingLogger('kafka-stop');
  const bus = new KafkaBus({ brokers: infra.kafkaBrokers.split(','), clientId: randomId('stop'), partitions: 1, replicationFactor: 1, partitionsConsumedConcurrently: 1, sessionTimeoutMs: 6000 }, logger);
  const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: randomId('offsets') }).admin();
  const topic = defineTopic(`test.${randomId('stop')}.v1`, z.object({ n: z.number().int() }), 'test');

  beforeAll(async () => {
    await admin.connect();
    await bus.ensureTopics([topic]);
  });
  afterAll(async () => {
    await bus.close();
    await admin.disconnect();
  });

  it('finishes the batch in hand, commits exactly what was done, and handles nothing after it resolves', async () => {
    // All 50 are on the partition before the consumer joins, so its first fetch is one batch of 50.
    for (let n = 1; n <= 50; n++) await bus.publish(topic, 'one-key', { n });
    const handled: number[] = [];
    const groupId = randomId('stop');
    await bus.subscribe({
      topic,
      groupId,
      fromBeginning: true,
      handle: async ({ value }) => {
        await sleep(20);
        handled.push(value.n);
      },
    });
    await eventually(async () => (handled.length >= 5 ? true : undefined));
    await bus.stopConsuming();
    const done = handled.length;
    expect(handled).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic.name] });
    expect(committed!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: String(done) })]);
    await sleep(200);
    expect(handled).toHaveLength(done);
  });
});
