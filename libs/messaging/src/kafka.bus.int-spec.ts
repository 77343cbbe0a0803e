import { z } from 'zod';
import { DeadLetterTopic, type DeadLetter, defineTopic } from '@workpoint/contracts';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners } from 'kafkajs';
import type { Envelope } from './bus';
import { KafkaBus, type KafkaBusOptions } from './kafka.bus';

const infra = infraFromEnv();
const { logger, lines } = capturingLogger('kafka-int');
const newBus = (overrides: Partial<KafkaBusOptions> = {}) =>
  new KafkaBus(
    {
      brokers: infra.kafkaBrokers.split(','),
      clientId: randomId('bus'),
      partitions: 6,
      replicationFactor: 1,
      partitionsConsumedConcurrently: 3,
      sessionTimeoutMs: 10_000,
      policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
      ...overrides,
    },
    logger,
  );

describe('KafkaBus on a real broker', () => {
  const topic = defineTopic(`test.${randomId('bus')}.v1`, z.object({ n: z.number().int() }), 'test');
  const bus = newBus();
  const dead: DeadLetter[] = [];
  beforeAll(async () => {
    await bus.ensureTopics([topic, DeadLetterTopic]);
    // Creating again is harmless (several processes do it at boot).
    await bus.ensureTopics([topic]);
    await bus.subscribe({ topic: DeadLetterTopic, groupId: randomId('dlq'), fromBeginning: true, handle: async ({ value }) => void dead.push(value) });
  });
  afterAll(() => bus.close());

  it('delivers to every group, keeps order per key, and carries headers', async () => {
    const a: Array<Envelope<{ n: number }>> = [];
    const b: number[] = [];
    await bus.subscribe({ topic, groupId: randomId('a'), fromBeginning: true, handle: async (m) => void a.push(m) });
    await bus.subscribe({ topic, groupId: randomId('b'), fromBeginning: true, handle: async ({ value }) => void b.push(value.n) });
    for (let n = 1; n <= 20; n++) await bus.publish(topic, 'mac-A', { n }, { 'workpoint-correlation-id': `c${n}` });
    await eventually(async () => (a.length === 20 && b.length === 20 ? true : undefined));
    expect(a.map((m) => m.value.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(b).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(a[0]).toMatchObject({ key: 'mac-A', headers: { 'workpoint-correlation-id': 'c1' } });
  });

  it('dead-letters a message that breaks the schema instead of handing it to the handler', async () => {
    const other = defineTopic(`test.${randomId('raw')}.v1`, z.object({ n: z.number() }), 'test');
    await bus.ensureTopics([other]);
    const handled: unknown[] = [];
    const groupId = randomId('strict');
    await bus.subscribe({ topic: other, groupId, fromBeginning: true, handle: async ({ value }) => void handled.push(value) });
    const kafka = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'raw' });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: other.name, messages: [{ key: 'k1', value: '{"n":"not a number"}' }, { key: 'k1', value: 'not json' }, { key: 'k1', value: '{"n":1}' }] });
    await producer.disconnect();
    await eventually(async () => (handled.length === 1 ? true : undefined));
    const mine = await eventually(async () => {
      const d = dead.filter((x) => x.groupId === groupId);
      return d.length === 2 ? d : undefined;
    });
    expect(handled).toEqual([{ n: 1 }]);
    expect(mine.map((d) => d.value)).toEqual(['{"n":"not a number"}', 'not json']);
    expect(mine.every((d) => d.sourceTopic === other.name && d.key === 'k1')).toBe(true);
  });

  it('dead-letters a large message carrying a password redacted and within 64 KiB', async () => {
    const items = defineTopic(`test.${randomId('items')}.v1`, z.object({ items: z.array(z.object({ name: z.string(), value: z.string() })) }), 'test');
    await bus.ensureTopics([items]);
    const groupId = randomId('large');
    await bus.subscribe({
      topic: items,
      groupId,
      fromBeginning: true,
      handle: async () => {
        throw new Error('value too long for type character varying(64)');
      },
    });
    // 800 kB on the wire; kept verbatim, escaped once more into the dead letter, it would be
    // 1.6 MB, over the broker's 1 MB message limit, and the dead-lettering itself would fail.
    await bus.publish(items, 'mac-L', { items: [{ name: 'sip-pwd', value: 'hunter2' }, { name: 'device-type', value: '"'.repeat(400_000) }] });
    const letter = await eventually(async () => dead.find((d) => d.groupId === groupId));
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThanOrEqual(65_536);
    expect(letter.value).not.toContain('hunter2');
    expect(letter).toMatchObject({ key: 'mac-L', attempts: 3, error: 'value too long for type character varying(64)' });
  });

  it('retries a failing handler, then dead-letters the message and runs the failure path', async () => {
    let attempts = 0;
    const exhausted: number[] = [];
    const after: number[] = [];
    const groupId = randomId('failing');
    await bus.subscribe({
      topic,
      groupId,
      fromBeginning: true,
      handle: async ({ value }) => {
        if (value.n === 100) {
          attempts++;
          throw new Error('store unavailable');
        }
        after.push(value.n);
      },
      onRejected: async ({ message }) => void (message && exhausted.push(message.value.n)),
    });
    await bus.publish(topic, 'mac-B', { n: 100 });
    await bus.publish(topic, 'mac-B', { n: 101 });
    await eventually(async () => (after.includes(101) ? true : undefined));
    expect(attempts).toBe(3);
    expect(exhausted).toEqual([100]);
    expect(dead.find((d) => d.groupId === groupId)).toMatchObject({ error: 'store unavailable', attempts: 3, key: 'mac-B' });
  });

  describe('a handler failing on a transient error (the database down)', () => {
    const SESSION_TIMEOUT_MS = 6000; // the broker's minimum (group.min.session.timeout.ms)
    const databaseDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    /** The attempt numbers this group's delivery loop logged for its transient failures. */
    const transientAttempts = (groupId: string) =>
      lines
        .map((l) => JSON.parse(l) as { msg?: string; groupId?: string; attempt?: number })
        .filter((l) => l.groupId === groupId && l.msg?.startsWith('handler failed on a transient error'))
        .map((l) => l.attempt);

    /** Subscribes a new group whose handler fails on message `n` while `down()` holds. */
    async function subscribeWhileDown(on: KafkaBus, n: number, down: () => boolean) {
      const state = { groupId: randomId('transient'), calls: 0, handled: [] as number[], exhausted: [] as number[] };
      await on.subscribe({
        topic,
        groupId: state.groupId,
        fromBeginning: true,
        handle: async ({ value }) => {
          if (value.n !== n) return;
          state.calls++;
          if (down()) throw databaseDown();
          state.handled.push(value.n);
        },
        onRejected: async ({ message }) => void (message && state.exhausted.push(message.value.n)),
      });
      return state;
    }

    it('keeps the message and its partition past the session timeout, without dead letter, until the failure clears', async () => {
      const held = newBus({ sessionTimeoutMs: SESSION_TIMEOUT_MS, policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, transientMaxDelayMs: 500 } });
      let down = true;
      const state = await subscribeWhileDown(held, 200, () => down);
      try {
        await bus.publish(topic, 'mac-T', { n: 200 });
        await eventually(async () => (transientAttempts(state.groupId).length > 3 ? true : undefined));
        // Longer than the session timeout: the paused partition must not cost the member its group.
        await sleep(SESSION_TIMEOUT_MS + 2000);
        down = false;
        await eventually(async () => (state.handled.length > 0 ? true : undefined));
      } finally {
        await held.close();
      }
      expect(state.handled).toEqual([200]);
      expect(state.exhausted).toEqual([]);
      expect(dead.filter((d) => d.groupId === state.groupId)).toEqual([]);
      // One delivery loop from first attempt to last: never restarted by a rebalance.
      const attempts = transientAttempts(state.groupId);
      expect(attempts).toEqual(Array.from({ length: attempts.length }, (_, i) => i + 1));
    });

    it('pauses only the failing partition: another partition of the same consumer flows meanwhile, then the message is redelivered in order', async () => {
      // One partition at a time: a handler sleeping on its retries would hold every partition.
      const single = newBus({ partitionsConsumedConcurrently: 1, policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, transientMaxDelayMs: 200 } });
      const own = defineTopic(`test.${randomId('pause')}.v1`, z.object({ n: z.number().int() }), 'test');
      await single.ensureTopics([own]);
      let down = true;
      const handled: number[] = [];
      const groupId = randomId('pause');
      await single.subscribe({
        topic: own,
        groupId,
        fromBeginning: true,
        handle: async ({ value }) => {
          if (value.n < 10 && down) throw databaseDown();
          handled.push(value.n);
        },
      });
      const kafka = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'raw' });
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic: own.name, messages: [1, 2, 3].map((n) => ({ key: 'mac-P0', partition: 0, value: JSON.stringify({ n }) })) });
        await eventually(async () => (transientAttempts(groupId).length > 2 ? true : undefined));
        await producer.send({ topic: own.name, messages: [11, 12].map((n) => ({ key: 'mac-P1', partition: 1, value: JSON.stringify({ n }) })) });
        await eventually(async () => (handled.length === 2 ? true : undefined));
        expect(handled).toEqual([11, 12]);
        down = false;
        await eventually(async () => (handled.length === 5 ? true : undefined));
      } finally {
        await producer.disconnect();
        await single.close();
      }
      expect(handled).toEqual([11, 12, 1, 2, 3]);
      expect(dead.filter((d) => d.groupId === groupId)).toEqual([]);
      // The first message's retries carried on across redeliveries: one backoff, never restarted.
      const attempts = transientAttempts(groupId);
      expect(attempts).toEqual(Array.from({ length: attempts.length }, (_, i) => i + 1));
    });

    it('stops retrying when the bus closes, dead-letters nothing and runs no failure path', async () => {
      const closing = newBus({ policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, transientMaxDelayMs: 200 } });
      const state = await subscribeWhileDown(closing, 300, () => true);
      await bus.publish(topic, 'mac-C', { n: 300 });
      await eventually(async () => (state.calls > 3 ? true : undefined));
      await closing.close();
      const callsAtClose = state.calls;
      await sleep(500);
      expect(state.calls).toBe(callsAtClose);
      expect(state.exhausted).toEqual([]);
      expect(dead.filter((d) => d.groupId === state.groupId)).toEqual([]);
    });
  });

  it('refuses to publish a value that breaks the schema', async () => {
    await expect(bus.publish(topic, 'k', { n: 'x' } as unknown as { n: number })).rejects.toThrow(/Invalid value/);
  });
});
