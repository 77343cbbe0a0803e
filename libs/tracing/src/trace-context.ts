import { type Context, context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, type Span, SpanKind, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * W3C trace context on a message's headers, and the spans of the bus. Only the OpenTelemetry
 * API is used here: while no SDK is registered (tracing off, the default) every call below is
 * the API's no-op (no span recorded, no header written), so the bus pays a few calls per message.
 */

/** The W3C headers (trace-context level 1) the bus carries, as kafkajs and the outbox store them. */
export const TRACE_HEADERS = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

const TRACER = 'workpoint';

/** The tracer of Workpoint's own spans (the SDK's when tracing is on, the API's no-op otherwise). */
export function workpointTracer() {
  return trace.getTracer(TRACER);
}

const headerSetter = {
  set(carrier: Record<string, string>, key: string, value: string): void {
    carrier[key] = value;
  },
};
const headerGetter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key],
};

/**
 * A copy of `headers` with the trace context of `ctx` (default: the active one) written in,
 * replacing any `traceparent`/`tracestate` it had. Without an active span (or tracing off) the
 * headers are returned as they are, so a stored trace context passes through unchanged.
 */
export function withTraceHeaders(headers: Record<string, string> | undefined, ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(ctx, carrier, headerSetter);
  return carrier;
}

/** The trace context a message's headers carry (the root context when they carry none). */
export function contextFromHeaders(headers: Record<string, string> | null | undefined): Context {
  if (!headers || headers[TRACE_HEADERS.traceparent] === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Runs `fn` with the trace context the headers carry as the active one (the outbox relay: each event in its own cause's trace). */
export function withContextOf<T>(headers: Record<string, string> | null | undefined, fn: () => T): T {
  return context.with(contextFromHeaders(headers), fn);
}

/** Attributes of a messaging span. The key is never one: it is the phone's MAC. */
function messagingAttributes(topic: string, operation: 'send' | 'process', groupId?: string): Record<string, string> {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.type': operation,
    ...(groupId ? { 'messaging.consumer.group.name': groupId } : {}),
  };
}

/** A publish in progress: the headers to send (carrying this span), ended once the broker acknowledged or refused. */
export interface ProducerSpan {
  headers: Record<string, string>;
  end(error?: unknown): void;
}

/**
 * Starts the producer span of one message, as a child of the active context (the handler's
 * consumer span, the phone exchange, or the stored context the outbox relay restored), and
 * writes it into a copy of the headers, so the consumer's span becomes its child.
 */
export function startProducerSpan(topic: string, headers: Record<string, string> | undefined): ProducerSpan {
  const span = workpointTracer().startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes: messagingAttributes(topic, 'send') });
  if (!span.isRecording()) return { headers: withTraceHeaders(headers), end: () => undefined };
  return {
    headers: withTraceHeaders(headers, trace.setSpan(context.active(), span)),
    end: (error?: unknown) => endSpan(span, error),
  };
}

/**
 * Runs one attempt at a message inside its consumer span, a child of the producer's context
 * taken from the headers: whatever the handler publishes (the next stage, an answer, an outbox
 * row, a dead letter, a rejection event) is in the same trace. `fn` reports its own outcome
 * through the span it is given.
 */
export function inConsumerSpan<T>(topic: string, groupId: string, headers: Record<string, string>, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: messagingAttributes(topic, 'process', groupId) }, contextFromHeaders(headers), fn);
}

/**
 * Runs a request served to a client (the phone exchange) inside a server span, the root of its
 * trace: `fn` adds what it learns (reason, answer) to the span it is given; a throw fails it.
 */
export function inServerSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(name, { kind: SpanKind.SERVER }, ROOT_CONTEXT, fn);
}

/** `fn` with a new span, a child of `parent`, as the active one; a throw fails the span; it ends when `fn` settles. */
function inSpan<T>(name: string, options: SpanOptions, parent: Context, fn: (span: Span) => Promise<T>): Promise<T> {
  return workpointTracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The span of the active context (a no-op span when there is none or tracing is off). */
export function activeSpan(): Span {
  return trace.getSpan(context.active()) ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}

export type { Span } from '@opentelemetry/api';

/** Marks a span failed (its status message is the error's class name only: a message may quote a phone's values) and ends it. */
export function endSpan(span: Span, error?: unknown): void {
  if (!span.isRecording()) return;
  if (error !== undefined) failSpan(span, error);
  span.end();
}

/** Marks a span failed without ending it. */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
}
