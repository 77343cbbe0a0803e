import { z } from 'zod';
import { defineTopic } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { inServerSpan, parseTraceparent, recordSpans } from '@workpoint/tracing';
import type { DataSource } from 'typeorm';
import { Outbox } from './outbox';

const Event = defineTopic('test.thing.registered.v1', z.object({ eventId: z.string() }), 'test');
// encode() touches neither the database nor the bus.
const outbox = () => new Outbox({} as DataSource, {} as Bus, createLogger('test', 'error', () => undefined), [Event]);

describe('Outbox rows keep the trace context of the change they describe', () => {
  it('tracing off: the headers are stored as given (none: null)', () => {
    expect(outbox().encode(Event, 'AA:BB', { eventId: 'e' }).headers).toBeNull();
    expect(JSON.parse(outbox().encode(Event, 'AA:BB', { eventId: 'e' }, { 'workpoint-correlation-id': 'i' }).headers!)).toEqual({ 'workpoint-correlation-id': 'i' });
  });

  describe('tracing on', () => {
    let recorder: ReturnType<typeof recordSpans>;
    beforeAll(() => (recorder = recordSpans()));
    afterAll(() => recorder.release());

    it('the row written in a handler carries its traceparent beside the correlation id', async () => {
      const { headers, span } = await inServerSpan('handler', async (active) => ({
        headers: outbox().encode(Event, 'AA:BB', { eventId: 'e' }, { 'workpoint-correlation-id': 'i' }).headers,
        span: active.spanContext(),
      }));
      const stored = JSON.parse(headers!) as Record<string, string>;
      expect(stored['workpoint-correlation-id']).toBe('i');
      expect(parseTraceparent(stored['traceparent'])).toEqual({ traceId: span.traceId, spanId: span.spanId });
    });
  });
});
