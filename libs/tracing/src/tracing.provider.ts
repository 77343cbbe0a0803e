import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, type SpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from './tracing.settings';

/** Injection token of the process's {@link TracingSettings} (`TracingModule.forRoot`). */
export const TRACING_SETTINGS = Symbol('workpoint:tracing-settings');

/** The one SDK of the process: several Nest apps (the embedded default runs four) share it. */
let registered: { provider: NodeTracerProvider; users: number } | undefined;

/**
 * Registers the OpenTelemetry SDK for the process (once, however many apps ask): a Node tracer
 * provider (AsyncLocalStorage context, so a handler's awaits keep its span), the W3C
 * trace-context propagator alone (no baggage: nothing of ours travels in it), parent-based
 * ratio sampling, and a batch processor to the OTLP/HTTP exporter (JSON; a receiver that is
 * down costs dropped spans, never a delayed message; tests pass their own processor). Returns
 * how to let go of it.
 */
export function registerTracing(settings: Extract<TracingSettings, { enabled: true }>, processor?: SpanProcessor): () => Promise<void> {
  if (!registered) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
      spanProcessors: [processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }), { scheduledDelayMillis: 500 })],
    });
    provider.register({ propagator: new W3CTraceContextPropagator() });
    registered = { provider, users: 0 };
  }
  const current = registered;
  current.users++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--current.users > 0) return;
    if (registered === current) registered = undefined;
    // Sends what is still buffered, then unregisters nothing: the API keeps the (now shut) provider.
    await current.provider.shutdown();
  };
}

/**
 * The process's tracing as a Nest provider: registered when the app is built (before any
 * consumer starts), flushed and shut when it closes. Off: nothing is registered.
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  private readonly release?: () => Promise<void>;

  constructor(@Inject(TRACING_SETTINGS) readonly settings: TracingSettings) {
    if (settings.enabled) this.release = registerTracing(settings);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.release?.();
  }
}
