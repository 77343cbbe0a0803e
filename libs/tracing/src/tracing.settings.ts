import type { TracingEnv } from '@workpoint/config';

/** How one process traces: off (no SDK registered, the API's no-op) or to an OTLP/HTTP receiver. */
export type TracingSettings =
  | { enabled: false }
  | {
      enabled: true;
      /** `service.name` of the process's spans. */
      serviceName: string;
      /** Where spans are POSTed (OTLP/HTTP, JSON): the full `…/v1/traces` URL. */
      tracesUrl: string;
      /** Share of new traces recorded (parent-based). */
      sampleRatio: number;
    };

export const TRACING_OFF: TracingSettings = { enabled: false };

/**
 * The settings of one process from the validated OTEL_* variables: on only when an endpoint is
 * given and the exporter is not `none`, so an unconfigured process records nothing.
 */
export function tracingSettingsFrom(env: TracingEnv, processName: string): TracingSettings {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (env.OTEL_TRACES_EXPORTER === 'none' || tracesUrl === undefined) return TRACING_OFF;
  return { enabled: true, serviceName: env.OTEL_SERVICE_NAME ?? `workpoint-${processName}`, tracesUrl, sampleRatio: env.OTEL_TRACES_SAMPLER_ARG };
}
