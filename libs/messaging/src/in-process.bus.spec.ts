import { z } from 'zod';
import { type DeadLetter, DeadLetterTopic, defineTopic } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import type { Envelope } from './bus';
import { BusValidationError } from './bus';
import { InProcessBus } from './in-process.bus';

const Topic = defineTopic('test.thing.happened.v1', z.object({ n: z.number().int() }), 'test');
const fastRetries = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const quiet = () => createLogger('test', 'error', () => undefined);
const settle = () => new Promise((r) => setTimeout(r, 30));

/** Subscribes group 'a' to Topic with a handler that always throws `error()`; collects its dead letters and failure-path runs. */
async function alwaysFailing(bus: InProcessBus, error: () => unknown) {
  const state = { attempts: 0, dead: [] as DeadLetter[], exhausted: [] as Array<Envelope<{ n: number }>> };
  await bus.subscribe({ topic: DeadLetterTopic, groupId: 'ops', handle: async ({ value }) => void state.dead.push(value) });
  await bus.subscribe({
    topic: Topic,
    groupId: 'a',
    handle: async () => {
      state.attempts++;
      throw error();
    },
    onRejected: async ({ message }) => void (message && state.exhausted.push(message)),
  });
  return state;
}

describe('InProcessBus', () => {
  it('delivers each message once per consumer group, in publish order per key', async () => {
    const bus = new InProcessBus(quiet(), fastRetries);
    const a: number[] = [];
    const b: number[] = [];
    await bus.subscribe({ topic: Topic, groupId: 'a', handle: async ({ value }) => void a.push(value.n) });
    await bus.subscribe({
      topic: Topic,
      groupId: 'b',
      // The first message is slow: order per key must hold anyway.
      handle: async ({ value }) => {
        if (value.n === 1) await new Promise((r) => setTimeout(r, 10));
        b.push(value.n);
      },
    });
    for (let n = 1; n <= 5; n++) await bus.publish(Topic, 'mac', { n });
    await settle();
    expect(a).toEqual([1, 2, 3, 4, 5]);
    expect(b).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses to publish a value that breaks the topic schema', async () => {
    const bus = new InProcessBus(quiet(), fastRetries);
    await expect(bus.publish(Topic, 'mac', { n: 1.5 })).rejects.toBeInstanceOf(BusValidationError);
  });

  it('hands consumers a copy, never the producer\'s object', async () => {
    const bus = new InProcessBus(quiet(), fastRetries);
    const seen: Array<{ n: number }> = [];
    await bus.subscribe({ topic: Topic, groupId: 'a', handle: async ({ value }) => void seen.push(value) });
    const value = { n: 7 };
    await bus.publish(Topic, 'k', value);
    await settle();
    expect(seen[0]).toEqual(value);
    expect(seen[0]).not.toBe(value);
  });

  it('retries a failing handler, then dead-letters the message and runs the failure path', async () => {
    const bus = new InProcessBus(quiet(), fastRetries);
    const failing = await alwaysFailing(bus, () => new Error('database down'));
    await bus.publish(Topic, 'mac-1', { n: 1 });
    await settle();
    expect(failing.attempts).toBe(3);
    expect(failing.exhausted.map((m) => m.value)).toEqual([{ n: 1 }]);
    expect(failing.dead).toEqual([expect.objectContaining({ sourceTopic: Topic.name, groupId: 'a', key: 'mac-1', error: 'database down', attempts: 3 })]);
  });

  it('succeeds on a later attempt without running the failure path', async () => {
    const bus = new InProcessBus(quiet(), fastRetries);
    let attempts = 0;
    const onRejected = jest.fn(async () => undefined);
    await bus.subscribe({
      topic: Topic,
      groupId: 'a',
      handle: async () => {
        if (++attempts < 2) throw new Error('transient');
      },
      onRejected,
    });
    await bus.publish(Topic, 'k', { n: 1 });
    await settle();
    expect(attempts).toBe(2);
    expect(onRejected).not.toHaveBeenCalled();
  });

  it('holds a message whose handler fails on a transient error, without dead letter, until close stops it', async () => {
    const lines: string[] = [];
    const bus = new InProcessBus(createLogger('test', 'error', (l) => lines.push(l)), { ...fastRetries, transientMaxDelayMs: 2 });
    const failing = await alwaysFailing(bus, () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    await bus.publish(Topic, 'mac-1', { n: 1 });
    await settle();
    expect(failing.attempts).toBeGreaterThan(fastRetries.attempts);
    await bus.close();
    const after = failing.attempts;
    await settle();
    expect(failing.attempts).toBe(after);
    expect(failing.dead).toEqual([]);
    expect(failing.exhausted).toEqual([]);
    expect(lines.filter((l) => l.includes('message not done when the bus closed'))).toHaveLength(1);
  });

  it('logs and publishes a dead letter redacted and bounded: no sip-pwd, no 1 MB line', async () => {
    const lines: string[] = [];
    const bus = new InProcessBus(createLogger('test', 'error', (l) => lines.push(l)), fastRetries);
    const Items = defineTopic('test.items.reported.v1', z.object({ items: z.array(z.object({ name: z.string(), value: z.string() })) }), 'test');
    const dead: DeadLetter[] = [];
    await bus.subscribe({ topic: DeadLetterTopic, groupId: 'ops', handle: async ({ value }) => void dead.push(value) });
    await bus.subscribe({
      topic: Items,
      groupId: 'a',
      handle: async () => {
        throw new Error('value too long for type character varying(64)');
      },
    });
    await bus.publish(Items, 'mac-1', { items: [{ name: 'sip-pwd', value: 'hunter2' }, { name: 'device-type', value: 'D'.repeat(1_048_576) }] });
    await settle();
    expect(dead).toHaveLength(1);
    expect(Buffer.byteLength(JSON.stringify(dead[0]))).toBeLessThanOrEqual(65_536);
    expect(dead[0]!.value).not.toContain('hunter2');
    const logged = lines.filter((l) => l.includes('"msg":"dead letter"'));
    expect(logged).toHaveLength(1);
    expect(Buffer.byteLength(logged[0]!)).toBeLessThanOrEqual(8192);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', deadLetter: { sourceTopic: Items.name, groupId: 'a', key: 'mac-1', attempts: 3 } });
  });
});

