import { Kafka } from 'kafkajs';
import { z } from 'zod';
import { DeadLetterTopic, defineTopic } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import { inServerSpan, parseTraceparent, recordSpans } from '@workpoint/tracing';
import type { Envelope } from './bus';
import { InProcessBus } from './in-process.bus';
import { KafkaBus } from './kafka.bus';
import { MessagingError } from './messaging.error';

const First = defineTopic('test.first.happened.v1', z.object({ n: z.number().int() }), 'test');
const Second = defineTopic('test.second.happened.v1', z.object({ n: z.number().int() }), 'test');
const quiet = () => createLogger('test', 'error', () => undefined);

/** Resolves with the first message a group receives on a topic. */
function firstOf<T>(bus: InProcessBus, topic: typeof First | typeof DeadLetterTopic, groupId: string): Promise<Envelope<T>> {
  return new Promise((resolve) => void bus.subscribe({ topic: topic as never, groupId, handle: async (m: Envelope<T>) => resolve(m) }));
}

describe('W3C trace context on the bus', () => {
  let recorder: ReturnType<typeof recordSpans>;
  beforeAll(() => (recorder = recordSpans()));
  afterAll(() => recorder.release());
  beforeEach(() => recorder.clear());

  it('in-process: a message published by a handler is in the trace of the message it handles, its consumer span the parent', async () => {
    const bus = new InProcessBus(quiet());
    await bus.subscribe({ topic: First, groupId: 'stage-1', handle: async ({ key, value, headers }) => bus.publish(Second, key, value, { 'workpoint-correlation-id': headers['workpoint-correlation-id']! }) });
    const received = firstOf<{ n: number }>(bus, Second as never, 'stage-2');
    const traceId = await inServerSpan('exchange', async (span) => {
      await bus.publish(First, 'AA:BB', { n: 1 }, { 'workpoint-correlation-id': 'interaction' });
      return span.spanContext().traceId;
    });
    const second = await received;
    const carried = parseTraceparent(second.headers['traceparent']);
    expect(carried?.traceId).toBe(traceId);
    expect(second.headers['workpoint-correlation-id']).toBe('interaction');
    await bus.close();
    const spans = recorder.spans();
    const consumer = spans.find((s) => s.name === 'process test.first.happened.v1')!;
    const producer = spans.find((s) => s.name === 'send test.second.happened.v1')!;
    expect(producer.spanContext().spanId).toBe(carried?.spanId);
    expect(producer.parentSpanContext?.spanId).toBe(consumer.spanContext().spanId);
  });

  it('in-process: the dead letter of a failed message, and what its failure path publishes, stay in its trace', async () => {
    const bus = new InProcessBus(quiet(), { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 });
    const letter = firstOf(bus, DeadLetterTopic, 'ops');
    const rejection = firstOf<{ n: number }>(bus, Second as never, 'sender');
    await bus.subscribe({
      topic: First,
      groupId: 'stage-1',
      handle: async () => Promise.reject(new MessagingError('invalid-message', First.name, 'refused for good')),
      // e.g. `*.job.rejected.v1` to the command's sender
      onRejected: async ({ raw }) => bus.publish(Second, raw.key ?? '', { n: 2 }),
    });
    const traceId = await inServerSpan('command', async (span) => {
      await bus.publish(First, 'AA:BB', { n: 1 }, { 'workpoint-correlation-id': 'interaction' });
      return span.spanContext().traceId;
    });
    expect(parseTraceparent((await letter).headers['traceparent'])?.traceId).toBe(traceId);
    expect((await letter).headers['workpoint-correlation-id']).toBe('interaction');
    expect(parseTraceparent((await rejection).headers['traceparent'])?.traceId).toBe(traceId);
    await bus.close();
    expect(recorder.spans().find((s) => s.name === 'process test.first.happened.v1')?.status.code).toBe(2);
  });

  it('Kafka: each message of a batched produce request carries the trace context of its own publisher', async () => {
    const sent: Array<{ topic: string; messages: Array<{ headers?: Record<string, string> }> }> = [];
    const producer = {
      events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
      on: () => undefined,
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async ({ topicMessages }: { topicMessages: typeof sent }) => void sent.push(...topicMessages),
    };
    const spy = jest.spyOn(Kafka.prototype, 'producer').mockReturnValue(producer as never);
    const bus = new KafkaBus({ brokers: ['127.0.0.1:9'], clientId: 'test', partitions: 1, replicationFactor: 1, partitionsConsumedConcurrently: 1 }, quiet());
    // Two exchanges publish in the same turn: one produce request, two traces.
    const traces = await Promise.all(
      [1, 2].map((n) =>
        inServerSpan(`exchange ${n}`, async (span) => {
          await bus.publish(First, `mac-${n}`, { n }, { 'workpoint-correlation-id': `i-${n}` });
          return span.spanContext().traceId;
        }),
      ),
    );
    spy.mockRestore();
    expect(sent).toHaveLength(1);
    const carried = sent[0]!.messages.map((m) => parseTraceparent(m.headers?.['traceparent'])?.traceId);
    expect(carried).toEqual(traces);
    expect(new Set(traces).size).toBe(2);
    expect(sent[0]!.messages[1]!.headers?.['workpoint-correlation-id']).toBe('i-2');
  });
});
