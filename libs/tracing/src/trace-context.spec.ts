import { parseTraceparent, recordSpans } from './span-recorder';
import { contextFromHeaders, inConsumerSpan, inServerSpan, startProducerSpan, withContextOf, withTraceHeaders } from './trace-context';
import { trace } from '@opentelemetry/api';

describe('trace context on message headers (tracing off)', () => {
  it('adds nothing and keeps a stored traceparent as it is', () => {
    const stored = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'workpoint-correlation-id': 'i' };
    expect(withTraceHeaders({ a: '1' })).toEqual({ a: '1' });
    const span = startProducerSpan('t.v1', stored);
    span.end();
    expect(span.headers).toEqual(stored);
  });
});

describe('trace context on message headers (tracing on)', () => {
  let recorder: ReturnType<typeof recordSpans>;
  beforeAll(() => (recorder = recordSpans()));
  afterAll(() => recorder.release());
  beforeEach(() => recorder.clear());

  it('a message published in a span carries a traceparent naming its producer span, a child of that span', async () => {
    const sent = await inServerSpan('exchange', async (server) => {
      const producer = startProducerSpan('wpi.contact.received.v1', { 'workpoint-correlation-id': 'i' });
      producer.end();
      return { headers: producer.headers, traceId: server.spanContext().traceId, serverSpanId: server.spanContext().spanId };
    });
    const parent = parseTraceparent(sent.headers['traceparent']);
    expect(parent?.traceId).toBe(sent.traceId);
    expect(sent.headers['workpoint-correlation-id']).toBe('i');
    const producer = recorder.spans().find((s) => s.name === 'send wpi.contact.received.v1')!;
    expect(producer.spanContext().spanId).toBe(parent?.spanId);
    expect(producer.parentSpanContext?.spanId).toBe(sent.serverSpanId);
  });

  it('the consumer span is a child of the producer span named in the headers, and is active in the handler', async () => {
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const inHandler = await inConsumerSpan('t.v1', 'g', headers, async () => trace.getActiveSpan()?.spanContext().traceId);
    expect(inHandler).toBe('0af7651916cd43dd8448eb211c80319c');
    const consumer = recorder.spans().find((s) => s.name === 'process t.v1')!;
    expect(consumer.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(consumer.attributes['messaging.consumer.group.name']).toBe('g');
  });

  it('a failing handler fails its span and the error goes on', async () => {
    await expect(inConsumerSpan('t.v1', 'g', {}, async () => Promise.reject(new TypeError('bad')))).rejects.toThrow('bad');
    expect(recorder.spans().find((s) => s.name === 'process t.v1')?.status).toEqual({ code: 2, message: 'TypeError' });
  });

  it('a stored trace context (an outbox row) becomes the parent of the later publish, whatever context the relay runs in', async () => {
    const stored = withTraceHeaders({}, trace.setSpanContext(contextFromHeaders({}), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 }));
    const sent = await inServerSpan('unrelated work', async () => withContextOf(stored, () => startProducerSpan('inventory.phone.registered.v1', stored)));
    sent.end();
    expect(parseTraceparent(sent.headers['traceparent'])?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const producer = recorder.spans().find((s) => s.name === 'send inventory.phone.registered.v1')!;
    expect(producer.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('headers without a traceparent start a new trace', () => {
    expect(trace.getSpanContext(contextFromHeaders({ other: 'x' }))).toBeUndefined();
  });
});
