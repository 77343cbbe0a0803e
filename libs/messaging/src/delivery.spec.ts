import { z } from 'zod';
import { type DeadLetter, DeadLetterTopic, defineTopic, type TopicContract } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import { DatabaseError } from 'pg';
import type { Bus, Envelope, Rejection, Subscription } from './bus';
import { encodeValue } from './codec';
import { attemptDelivery, type DeliveryPolicy, DeliveryStoppedError, deliver, freshRetryState, type RawMessage } from './delivery';

const Topic = defineTopic('test.job.requested.v1', z.object({ n: z.number().int() }), 'test');
const policy: DeliveryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, transientMaxDelayMs: 4 };
const raw = (value: string = encodeValue(Topic, { n: 1 })): RawMessage => ({ topic: Topic.name, key: '00:1A:E8:00:00:01', value, headers: {} });

const transient = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const permanent = () => Object.assign(new DatabaseError('invalid input syntax for type uuid', 0, 'error'), { code: '22P02' });

/** A bus that only records what is published (the dead letters). */
function fakeBus(): Bus & { published: Array<{ topic: string; value: unknown }> } {
  const published: Array<{ topic: string; value: unknown }> = [];
  return {
    published,
    publish: async <T>(topic: TopicContract<T>, _key: string, value: T) => void published.push({ topic: topic.name, value }),
    subscribe: async () => undefined,
    ensureTopics: async () => undefined,
    reachable: async () => undefined,
    live: () => true,
    stopConsuming: async () => undefined,
    close: async () => undefined,
  };
}

/** A handler that fails with the given errors, one per call, then succeeds. */
function failing(...errors: unknown[]) {
  const calls: Array<Envelope<{ n: number }>> = [];
  const exhausted: Array<Rejection<{ n: number }>> = [];
  const sub: Subscription<{ n: number }> = {
    topic: Topic,
    groupId: 'g',
    handle: async (message) => {
      calls.push(message);
      const error = errors[calls.length - 1];
      if (error !== undefined) throw error;
    },
    onRejected: async (rejection) => void exhausted.push(rejection),
  };
  return { sub, calls, exhausted };
}

function setup() {
  const bus = fakeBus();
  const lines: string[] = [];
  const logger = createLogger('test', 'debug', (line) => lines.push(line));
  const logged = (msg: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg || l['message'] === msg);
  const deadLetters = () => bus.published.filter((p) => p.topic === DeadLetterTopic.name).map((p) => p.value as DeadLetter);
  return { bus, logger, logged, deadLetters };
}

describe('deliver', () => {
  it('retries a transient failure past HANDLER_ATTEMPTS until it clears, with no dead letter and no failure path', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing(...Array.from({ length: 6 }, transient));
    await deliver(raw(), sub, { bus, logger, policy });
    expect(calls).toHaveLength(7);
    expect(calls[6]?.value).toEqual({ n: 1 });
    expect(deadLetters()).toEqual([]);
    expect(exhausted).toEqual([]);
  });

  it('doubles the pause between transient retries up to its cap, one warning per step', async () => {
    const { bus, logger, logged } = setup();
    const { sub } = failing(...Array.from({ length: 5 }, transient));
    await deliver(raw(), sub, { bus, logger, policy });
    const warnings = logged('handler failed on a transient error; retrying until it clears');
    expect(warnings.map((w) => w['retryInMs'])).toEqual([1, 2, 4, 4, 4]);
  });

  it('gives up a transient failure once the message\'s deadline (retryUntil) has passed, with dead letter and failure path', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing(...Array.from({ length: 1000 }, transient));
    const deadline = Date.now() + 20;
    await deliver(raw(), { ...sub, retryUntil: () => deadline }, { bus, logger, policy });
    expect(calls.length).toBeLessThan(1000);
    expect(deadLetters()).toHaveLength(1);
    expect(exhausted.map((r) => r.error.code)).toEqual(['deadline-passed']);
  });

  it('retries a transient failure of a message without a deadline (retryUntil undefined) until it clears', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls } = failing(transient(), transient());
    await deliver(raw(), { ...sub, retryUntil: () => undefined }, { bus, logger, policy });
    expect(calls).toHaveLength(3);
    expect(deadLetters()).toEqual([]);
  });

  it('does not retry a transient failure of a message whose deadline is already past', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing(transient(), transient());
    await deliver(raw(), { ...sub, retryUntil: () => Date.now() - 1 }, { bus, logger, policy });
    expect(calls).toHaveLength(1);
    expect(deadLetters()[0]?.attempts).toBe(1);
    expect(exhausted).toHaveLength(1);
  });

  it('dead-letters a permanent failure at once and runs the failure path', async () => {
    const { bus, logger, deadLetters } = setup();
    const error = permanent();
    const { sub, calls, exhausted } = failing(error, error, error);
    await deliver(raw(), sub, { bus, logger, policy });
    expect(calls).toHaveLength(1);
    expect(deadLetters()).toHaveLength(1);
    expect(deadLetters()[0]).toMatchObject({ sourceTopic: Topic.name, groupId: 'g', attempts: 1, error: 'invalid input syntax for type uuid' });
    expect(exhausted.map((r) => [r.error.code, r.error.kind, r.error.cause, r.message?.value])).toEqual([['permanent-failure', 'permanent', error, { n: 1 }]]);
  });

  it('keeps the bounded attempts for an unclassified failure, then dead-letters and runs the failure path', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing(new Error('boom'), new Error('boom'), new Error('boom'), new Error('boom'));
    await deliver(raw(), sub, { bus, logger, policy });
    expect(calls).toHaveLength(policy.attempts);
    expect(deadLetters()).toHaveLength(1);
    expect(deadLetters()[0]?.attempts).toBe(policy.attempts);
    expect(exhausted.map((r) => r.error.code)).toEqual(['attempts-exhausted']);
  });

  it('handles a message whose unclassified failure clears before the last attempt', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing(new Error('boom'), transient());
    await deliver(raw(), sub, { bus, logger, policy });
    expect(calls).toHaveLength(3);
    expect(deadLetters()).toEqual([]);
    expect(exhausted).toEqual([]);
  });

  it('dead-letters an invalid message without calling the handler, and runs the failure path with the raw message', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls, exhausted } = failing();
    await deliver(raw('{"n":"one"}'), sub, { bus, logger, policy });
    expect(calls).toEqual([]);
    expect(deadLetters()).toHaveLength(1);
    expect(deadLetters()[0]?.attempts).toBe(0);
    expect(exhausted.map((r) => [r.error.code, r.raw.value, r.message, r.attempts])).toEqual([['invalid-message', '{"n":"one"}', undefined, 0]]);
  });

  it('stops retrying a transient failure when the bus closes, leaving the message undone', async () => {
    const { bus, logger, deadLetters } = setup();
    const closing = new AbortController();
    const { sub, calls, exhausted } = failing(...Array.from({ length: 1000 }, transient));
    const slowPolicy = { ...policy, baseDelayMs: 60_000, transientMaxDelayMs: 60_000 };
    const delivery = deliver(raw(), sub, { bus, logger, policy: slowPolicy, closing: closing.signal });
    await new Promise((r) => setImmediate(r));
    closing.abort();
    await expect(delivery).rejects.toBeInstanceOf(DeliveryStoppedError);
    expect(calls).toHaveLength(1);
    expect(deadLetters()).toEqual([]);
    expect(exhausted).toEqual([]);
  });

  it('does not start a transient retry on a bus that is already closing', async () => {
    const { bus, logger, deadLetters } = setup();
    const closing = new AbortController();
    closing.abort();
    const { sub, calls } = failing(transient(), transient());
    await expect(deliver(raw(), sub, { bus, logger, policy, closing: closing.signal })).rejects.toBeInstanceOf(DeliveryStoppedError);
    expect(calls).toHaveLength(1);
    expect(deadLetters()).toEqual([]);
  });

});

describe('attemptDelivery (one attempt; the bus waits and redelivers)', () => {
  it('asks for a retry after a transient failure, with a backoff that grows across redeliveries, and dead-letters nothing', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, calls } = failing(transient(), transient(), transient());
    const state = freshRetryState();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await attemptDelivery(raw(), sub, { bus, logger, policy }, state));
    expect(outcomes.map((o) => (o.done ? 'done' : o.retryInMs))).toEqual([1, 2, 4, 'done']);
    expect(calls).toHaveLength(4);
    expect(state.attempt).toBe(4);
    expect(deadLetters()).toEqual([]);
  });

  it('counts unclassified failures across redeliveries and gives up after policy.attempts', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub, exhausted } = failing(new Error('boom'), new Error('boom'), new Error('boom'));
    const state = freshRetryState();
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await attemptDelivery(raw(), sub, { bus, logger, policy }, state));
    expect(outcomes.map((o) => o.done)).toEqual([false, false, true]);
    expect(deadLetters()).toHaveLength(1);
    expect(exhausted).toHaveLength(1);
  });

  it('is not done when the failure path throws: the message must be delivered again', async () => {
    const { bus, logger, deadLetters } = setup();
    const { sub } = failing(permanent());
    const broken = { ...sub, onRejected: async () => Promise.reject(new Error('gateway unreachable')) };
    const outcome = await attemptDelivery(raw(), broken, { bus, logger, policy }, freshRetryState());
    expect(outcome).toMatchObject({ done: false, retryInMs: 1, error: new Error('gateway unreachable') });
    // Not dead-lettered yet: the redelivery will, once the failure path gets through.
    expect(deadLetters()).toEqual([]);
  });
});
