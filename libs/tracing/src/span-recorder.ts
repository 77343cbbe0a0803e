import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { registerTracing } from './tracing.provider';

/** W3C `traceparent` (version 00): trace id, parent span id, flags. */
export function parseTraceparent(header: string | undefined): { traceId: string; spanId: string } | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header ?? '');
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
}

/**
 * For tests (unit tier): tracing on for a test file, each span kept in memory as it ends (a unit test's exporter; the
 * e2e test receives real OTLP). `release()` in afterAll.
 */
export function recordSpans(serviceName = 'workpoint-test'): { spans: () => ReadableSpan[]; clear: () => void; release: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const release = registerTracing({ enabled: true, serviceName, tracesUrl: 'http://127.0.0.1:9/v1/traces', sampleRatio: 1 }, new SimpleSpanProcessor(exporter));
  return { spans: () => exporter.getFinishedSpans(), clear: () => exporter.reset(), release };
}
