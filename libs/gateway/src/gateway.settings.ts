import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WpiScanLimits } from '@workpoint/wpi-codec';

export interface GatewaySettings {
  gatewayId: string;
  host: string;
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  sessionSecret: string;
  sessionTtlSeconds: number;
  answerTimeoutMs: number;
  maxBodyBytes: number;
  /** Plain-HTTP listener (a Nest Fastify app) for DCMP polls, /healthz and /readyz. */
  dcmpHost: string;
  dcmpPort: number;
  /** How long a cookie-less, MAC-less message waits for its nonce (default 500 ms). */
  nonceWaitMs?: number;
  /** Cap of the nonce view (default 200 000 entries). */
  nonceViewMaxEntries?: number;
  /** Cap of the nonce view by size (NONCE_VIEW_MAX_BYTES; default 64 MiB). */
  nonceViewMaxBytes?: number;
  /** Open connections per listener (HTTPS edge and DCMP each). */
  maxConnections: number;
  tlsHandshakeTimeoutMs: number;
  /** Requests in flight per remote address, per listener. */
  perSourceMaxConcurrent: number;
  /** Pre-scan caps of a phone message. */
  scanLimits: WpiScanLimits;
  /** Longest value of an item the catalogue gives no maxLength. */
  maxItemValueChars: number;
  /** Bodies up to this size are parsed on the event loop; larger ones in the parse workers. */
  parseInlineMaxBytes: number;
  /** Parse worker threads; 0 parses every body on the event loop. */
  parseWorkers: number;
  /** Large messages waiting for a parse worker before the gateway answers 503 busy. */
  parseQueueMax: number;
  /** How long the start-up retries a broker that is not reachable yet (BOOT_RETRY_TIMEOUT_MS; default 10 s). */
  bootRetryTimeoutMs?: number;
}

/**
 * `GatewayModule.forRoot(settings)` / `forRootAsync({ useFactory, inject })`; the settings are
 * injected with `@Inject(GATEWAY_SETTINGS)`.
 */
export const {
  ConfigurableModuleClass: GatewayModuleBase,
  MODULE_OPTIONS_TOKEN: GATEWAY_SETTINGS,
  ASYNC_OPTIONS_TYPE: GATEWAY_ASYNC_SETTINGS,
} = new ConfigurableModuleBuilder<GatewaySettings>().setClassMethodName('forRoot').build();

/** The gateway variables both the gateway process and the embedded default read. */
export interface GatewayEnvPart {
  GATEWAY_HOST: string;
  GATEWAY_PORT: number;
  SESSION_TTL_SECONDS: number;
  ANSWER_TIMEOUT_MS: number;
  MAX_BODY_BYTES: number;
  NONCE_VIEW_MAX_BYTES: number;
  DCMP_HOST: string;
  DCMP_PORT: number;
  GATEWAY_MAX_CONNECTIONS: number;
  TLS_HANDSHAKE_TIMEOUT_MS: number;
  PER_SOURCE_MAX_CONCURRENT: number;
  MAX_ELEMENTS_PER_MESSAGE: number;
  MAX_ATTRIBUTES_PER_MESSAGE: number;
  MAX_REFERENCES_PER_MESSAGE: number;
  MAX_ITEM_VALUE_CHARS: number;
  PARSE_INLINE_MAX_BYTES: number;
  PARSE_WORKERS: number;
  PARSE_QUEUE_MAX: number;
  BOOT_RETRY_TIMEOUT_MS?: number;
}

export function gatewaySettingsFrom(
  env: GatewayEnvPart,
  own: Pick<GatewaySettings, 'gatewayId' | 'cert' | 'key' | 'sessionSecret'>,
): GatewaySettings {
  return {
    ...own,
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    answerTimeoutMs: env.ANSWER_TIMEOUT_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    nonceViewMaxBytes: env.NONCE_VIEW_MAX_BYTES,
    dcmpHost: env.DCMP_HOST,
    dcmpPort: env.DCMP_PORT,
    maxConnections: env.GATEWAY_MAX_CONNECTIONS,
    tlsHandshakeTimeoutMs: env.TLS_HANDSHAKE_TIMEOUT_MS,
    perSourceMaxConcurrent: env.PER_SOURCE_MAX_CONCURRENT,
    scanLimits: { maxElements: env.MAX_ELEMENTS_PER_MESSAGE, maxAttributes: env.MAX_ATTRIBUTES_PER_MESSAGE, maxReferences: env.MAX_REFERENCES_PER_MESSAGE },
    maxItemValueChars: env.MAX_ITEM_VALUE_CHARS,
    parseInlineMaxBytes: env.PARSE_INLINE_MAX_BYTES,
    parseWorkers: env.PARSE_WORKERS,
    parseQueueMax: env.PARSE_QUEUE_MAX,
    ...(env.BOOT_RETRY_TIMEOUT_MS !== undefined ? { bootRetryTimeoutMs: env.BOOT_RETRY_TIMEOUT_MS } : {}),
  };
}
