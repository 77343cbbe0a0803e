import { type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ContactReceivedTopic, DeadLetterTopic, gatewayResponseTopic, type TopicContract } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { WpiScanLimits } from '@workpoint/wpi-codec';
import { DcmpServer } from './dcmp.server';
import { GATEWAY_VIEW_TOPICS, subscribeGatewayViews } from './gateway-views.subscriber';
import { HttpsEdge } from './https-edge';
import { PendingJobsView } from './pending-jobs.view';
import { createParseWorkerPool } from './parse-worker.pool';
import { PhoneMessageParser } from './phone-message.parser';
import { PhoneRequestHandler } from './phone-request.handler';
import { ResponseWaiter } from './response-waiter';
import { SessionCookies } from './session-cookie';
import { EndedInteractions } from './ended-interactions';
import { SessionNonceView } from './session-nonce.view';

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
  /** Plain-HTTP listener for DCMP polls (and /healthz). */
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
}

export interface GatewayDeps {
  bus: Bus;
  logger: Logger;
  settings: GatewaySettings;
}

/**
 * The gateway's lifecycle: its response topic and its views are consumed before the HTTPS and
 * DCMP ports open, so no answer to a phone can arrive before someone listens for it, and no
 * phone is served from a view nobody feeds.
 */
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiter = new ResponseWaiter();
  readonly pendingJobs = new PendingJobsView();
  readonly nonces: SessionNonceView;
  private readonly edge: HttpsEdge;
  private readonly dcmp: DcmpServer;
  private readonly parser: PhoneMessageParser;
  private boundPort?: number;
  private boundDcmpPort?: number;

  constructor(private readonly deps: GatewayDeps) {
    const { bus, logger, settings } = deps;
    // One list of ended interactions: the nonce view forgets their nonces, SessionCookies refuses their cookies.
    const ended = new EndedInteractions({ ttlMs: settings.sessionTtlSeconds * 1000 });
    this.nonces = new SessionNonceView({
      ttlMs: settings.sessionTtlSeconds * 1000,
      ended,
      ...(settings.nonceViewMaxEntries !== undefined ? { maxEntries: settings.nonceViewMaxEntries } : {}),
      ...(settings.nonceViewMaxBytes !== undefined ? { maxBytes: settings.nonceViewMaxBytes } : {}),
    });
    const sessions = new SessionCookies(settings.sessionSecret, settings.sessionTtlSeconds, { ended });
    const pool = settings.parseWorkers > 0 ? createParseWorkerPool({ workers: settings.parseWorkers, queueMax: settings.parseQueueMax }) : undefined;
    this.parser = new PhoneMessageParser(pool, { inlineMaxBytes: settings.parseInlineMaxBytes, queueMax: settings.parseQueueMax, scanLimits: settings.scanLimits });
    const handler = new PhoneRequestHandler(
      bus,
      this.waiter,
      sessions,
      this.nonces,
      logger,
      {
        gatewayId: settings.gatewayId,
        answerTimeoutMs: settings.answerTimeoutMs,
        nonceWaitMs: settings.nonceWaitMs ?? 500,
        scanLimits: settings.scanLimits,
        maxItemValueChars: settings.maxItemValueChars,
      },
      this.parser,
    );
    const connectionLimits = { maxConnections: settings.maxConnections, perSourceMaxConcurrent: settings.perSourceMaxConcurrent };
    this.edge = new HttpsEdge(
      handler,
      {
        host: settings.host,
        port: settings.port,
        cert: settings.cert,
        key: settings.key,
        maxBodyBytes: settings.maxBodyBytes,
        handshakeTimeoutMs: settings.tlsHandshakeTimeoutMs,
        ...connectionLimits,
        ready: () => bus.healthy(),
      },
      logger,
    );
    this.dcmp = new DcmpServer(this.pendingJobs, { host: settings.dcmpHost, port: settings.dcmpPort, ...connectionLimits }, logger);
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  get dcmpPort(): number | undefined {
    return this.boundDcmpPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus, logger, settings } = this.deps;
    const responses = gatewayResponseTopic(settings.gatewayId);
    await this.ensureTopics([ContactReceivedTopic, responses, DeadLetterTopic, ...GATEWAY_VIEW_TOPICS]);
    await bus.subscribe({
      topic: responses,
      // One group per instance: this instance alone reads its topic, so no rebalance can
      // hand its answers to another gateway.
      groupId: `workpoint-gateway-${settings.gatewayId}`,
      fromBeginning: true,
      handle: async ({ value }) => {
        if (!this.waiter.deliver(value)) logger.debug('late or duplicate answer dropped', { mac: value.mac, contactId: value.contactId });
      },
    });
    await subscribeGatewayViews(bus, settings.gatewayId, { pending: this.pendingJobs, nonces: this.nonces }, logger);
    this.boundPort = await this.edge.listen();
    this.boundDcmpPort = await this.dcmp.listen();
    logger.info('gateway listening', {
      url: `https://${settings.host}:${this.boundPort}/DeploymentService/LoginService`,
      dcmpUrl: `http://${settings.dcmpHost}:${this.boundDcmpPort}/dcmp/contact-me`,
      gatewayId: settings.gatewayId,
    });
  }

  /**
   * On a broker where other processes create topics at the same moment (a fresh cluster, the
   * whole stack starting), kafkajs may not see a topic it has just created and fail; a second
   * attempt finds the topics and only waits for their leaders.
   */
  private async ensureTopics(topics: readonly TopicContract<unknown>[], attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.bus.ensureTopics(topics);
      } catch (error) {
        if (attempt >= attempts) throw error;
        this.deps.logger.warn('could not ensure the topics yet; retrying', { attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.waiter.expireAll();
    this.nonces.close();
    await Promise.all([this.edge.close(), this.dcmp.close()]);
    // After the edge: requests in progress finish their parse before the workers stop.
    await this.parser.close();
  }
}

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
  };
}
