import { z } from 'zod';
import { defineTopic } from '@workpoint/contracts';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import { KafkaBus } from './kafka.bus';

const infra = infraFromEnv();

/** KafkaBus.lag(): the broker's end offsets minus each subscription's committed offsets (what the metrics show). */
describe('KafkaBus consumer lag on a real broker', () => {
  const topic = defineTopic(`test.${randomId('lag')}.v1`, z.object({ n: z.number().int() }), 'test');
  const groupId = randomId('lagging');
  const bus = new KafkaBus(
    { brokers: infra.kafkaBrokers.split(','), clientId: randomId('lag'), partitions: 3, replicationFactor: 1, partitionsConsumedConcurrently: 3, sessionTimeoutMs: 10_000 },
    capturingLogger('kafka-lag-int').logger,
  );
  afterAll(() => bus.close());

  it('counts what a group has not done, and nothing once it has', async () => {
    await bus.ensureTopics([topic]);
    expect(await bus.lag()).toEqual([]);
    let open = false;
    const done: number[] = [];
    await bus.subscribe({
      topic,
      groupId,
      fromBeginning: true,
      // Closed: every message fails on a transient error (its partition pauses and it comes again), so nothing is committed.
      handle: async ({ value }) => {
        if (!open) throw Object.assign(new Error('database down'), { code: 'ECONNREFUSED' });
        done.push(value.n);
      },
    });
    for (let n = 0; n < 12; n++) await bus.publish(topic, `mac-${n % 4}`, { n });
    expect(await bus.lag()).toEqual([{ groupId, topic: topic.name, messages: 12 }]);
    open = true;
    await eventually(async () => (done.length >= 12 ? true : undefined), 60_000);
    await eventually(async () => ((await bus.lag())[0]?.messages === 0 ? true : undefined), 30_000, 250);
  });
});
