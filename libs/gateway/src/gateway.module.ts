import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { PhoneMetrics } from '@workpoint/metrics';
import { HealthModule, type ProcessCoreDeps, ProcessCoreModule, Readiness } from '@workpoint/runtime';
import { DcmpController } from './dcmp.controller';
import { DcmpAdmission, DcmpExceptionFilter } from './dcmp.http';
import { EndedInteractions } from './ended-interactions';
import { GatewayService } from './gateway.service';
import { GATEWAY_SETTINGS, GatewayModuleBase, type GatewaySettings } from './gateway.settings';
import { HttpsEdge } from './https-edge';
import { createParseWorkerPool } from './parse-worker.pool';
import { PendingJobsView } from './pending-jobs.view';
import { PhoneMessageParser } from './phone-message.parser';
import { PhoneRequestHandler } from './phone-request.handler';
import { ResponseWaiter } from './response-waiter';
import { SessionCookies } from './session-cookie';
import { SessionNonceView } from './session-nonce.view';
import { TRACING_OFF, TracingModule, type TracingSettings } from '@workpoint/tracing';

/**
 * The pieces that take plain options keep framework-free constructors (their unit tests and the
 * benchmark build them with `new`); Nest builds them here from the settings and from each other.
 */
const pieces: Provider[] = [
  {
    // One list of ended interactions: the nonce view forgets their nonces, SessionCookies refuses their cookies.
    provide: EndedInteractions,
    inject: [GATEWAY_SETTINGS],
    useFactory: (s: GatewaySettings) => new EndedInteractions({ ttlMs: s.sessionTtlSeconds * 1000 }),
  },
  {
    provide: SessionNonceView,
    inject: [GATEWAY_SETTINGS, EndedInteractions],
    useFactory: (s: GatewaySettings, ended: EndedInteractions) =>
      new SessionNonceView({
        ttlMs: s.sessionTtlSeconds * 1000,
        ended,
        ...(s.nonceViewMaxEntries !== undefined ? { maxEntries: s.nonceViewMaxEntries } : {}),
        ...(s.nonceViewMaxBytes !== undefined ? { maxBytes: s.nonceViewMaxBytes } : {}),
      }),
  },
  {
    provide: SessionCookies,
    inject: [GATEWAY_SETTINGS, EndedInteractions],
    useFactory: (s: GatewaySettings, ended: EndedInteractions) => new SessionCookies(s.sessionSecret, s.sessionTtlSeconds, { ended }),
  },
  {
    // The parser owns its worker pool (none with PARSE_WORKERS=0) and stops it on shutdown.
    provide: PhoneMessageParser,
    inject: [GATEWAY_SETTINGS],
    useFactory: (s: GatewaySettings) =>
      new PhoneMessageParser(s.parseWorkers > 0 ? createParseWorkerPool({ workers: s.parseWorkers, queueMax: s.parseQueueMax }) : undefined, {
        inlineMaxBytes: s.parseInlineMaxBytes,
        queueMax: s.parseQueueMax,
        scanLimits: s.scanLimits,
      }),
  },
  {
    provide: PhoneRequestHandler,
    inject: [BUS, ResponseWaiter, SessionCookies, SessionNonceView, Logger, GATEWAY_SETTINGS, PhoneMessageParser, PhoneMetrics],
    useFactory: (bus: Bus, waiter: ResponseWaiter, sessions: SessionCookies, nonces: SessionNonceView, logger: Logger, s: GatewaySettings, parser: PhoneMessageParser, metrics: PhoneMetrics) =>
      new PhoneRequestHandler(
        bus,
        waiter,
        sessions,
        nonces,
        logger,
        { gatewayId: s.gatewayId, answerTimeoutMs: s.answerTimeoutMs, nonceWaitMs: s.nonceWaitMs ?? 500, scanLimits: s.scanLimits, maxItemValueChars: s.maxItemValueChars },
        parser,
        metrics,
      ),
  },
  {
    // The phone edge stays on node:https (exact Content-Length, hard body cap, hot path); GatewayService opens it.
    provide: HttpsEdge,
    // Readiness comes from HealthModule where the app has it (the apps do); a bare GatewayModule
    // (tests) answers from the bus alone.
    inject: [PhoneRequestHandler, GATEWAY_SETTINGS, Logger, BUS, { token: Readiness, optional: true }],
    useFactory: (handler: PhoneRequestHandler, s: GatewaySettings, logger: Logger, bus: Bus, readiness?: Readiness) =>
      new HttpsEdge(
        handler,
        {
          host: s.host,
          port: s.port,
          cert: s.cert,
          key: s.key,
          maxBodyBytes: s.maxBodyBytes,
          handshakeTimeoutMs: s.tlsHandshakeTimeoutMs,
          maxConnections: s.maxConnections,
          perSourceMaxConcurrent: s.perSourceMaxConcurrent,
          ready: () => (readiness ? readiness.ready() : bus.live()),
          alive: () => (readiness ? readiness.alive() : bus.live()),
        },
        logger,
      ),
  },
];

@Module({})
class GatewayRootModule {}

/**
 * The gateway: phone edge, DCMP, views, response waiter and the lifecycle that orders them.
 * Needs BUS and Logger from a global module (ProcessCoreModule in the apps), and runs as a Nest
 * Fastify application whose listener is the DCMP port (see startGatewayApp).
 */
@Module({
  // DCMP polls are answered by a controller of the gateway's Fastify app (its plain-HTTP listener).
  controllers: [DcmpController],
  providers: [ResponseWaiter, PendingJobsView, ...pieces, DcmpAdmission, { provide: APP_FILTER, useClass: DcmpExceptionFilter }, GatewayService],
  exports: [GatewayService],
})
export class GatewayModule extends GatewayModuleBase {
  /** The gateway app's root: its process's bus and logger, the gateway, and /healthz + /readyz on the DCMP listener. */
  static register({
    settings,
    tracing,
    ...core
  }: Pick<ProcessCoreDeps, 'bus' | 'logger' | 'metrics' | 'lifecycle' | 'health' | 'dataSource'> & { settings: GatewaySettings; tracing?: TracingSettings }): DynamicModule {
    return { module: GatewayRootModule, imports: [TracingModule.forRoot(tracing ?? TRACING_OFF), ProcessCoreModule.forRoot(core), GatewayModule.forRoot(settings), HealthModule] };
  }
}
