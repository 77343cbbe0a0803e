import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DcmpServer } from './dcmp.server';
import { EndedInteractions } from './ended-interactions';
import { type GatewayCoreDeps, GatewayCoreModule } from './gateway-core.module';
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
    inject: [BUS, ResponseWaiter, SessionCookies, SessionNonceView, Logger, GATEWAY_SETTINGS, PhoneMessageParser],
    useFactory: (bus: Bus, waiter: ResponseWaiter, sessions: SessionCookies, nonces: SessionNonceView, logger: Logger, s: GatewaySettings, parser: PhoneMessageParser) =>
      new PhoneRequestHandler(
        bus,
        waiter,
        sessions,
        nonces,
        logger,
        { gatewayId: s.gatewayId, answerTimeoutMs: s.answerTimeoutMs, nonceWaitMs: s.nonceWaitMs ?? 500, scanLimits: s.scanLimits, maxItemValueChars: s.maxItemValueChars },
        parser,
      ),
  },
  {
    // The phone edge stays on node:https (exact Content-Length, hard body cap, hot path); GatewayService opens it.
    provide: HttpsEdge,
    inject: [PhoneRequestHandler, GATEWAY_SETTINGS, Logger, BUS],
    useFactory: (handler: PhoneRequestHandler, s: GatewaySettings, logger: Logger, bus: Bus) =>
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
          ready: () => bus.healthy(),
        },
        logger,
      ),
  },
  {
    provide: DcmpServer,
    inject: [PendingJobsView, GATEWAY_SETTINGS, Logger],
    useFactory: (pending: PendingJobsView, s: GatewaySettings, logger: Logger) =>
      new DcmpServer(pending, { host: s.dcmpHost, port: s.dcmpPort, maxConnections: s.maxConnections, perSourceMaxConcurrent: s.perSourceMaxConcurrent }, logger),
  },
];

@Module({})
class GatewayRootModule {}

/**
 * The gateway: phone edge, DCMP, views, response waiter and the lifecycle that orders them.
 * Needs BUS and Logger from a global module (GatewayCoreModule in the apps).
 */
@Module({
  providers: [ResponseWaiter, PendingJobsView, ...pieces, GatewayService],
  exports: [GatewayService],
})
export class GatewayModule extends GatewayModuleBase {
  /** The gateway with its process's bus and logger, as one root module. */
  static register(deps: GatewayCoreDeps & { settings: GatewaySettings }): DynamicModule {
    return { module: GatewayRootModule, imports: [GatewayCoreModule.forRoot(deps), GatewayModule.forRoot(deps.settings)] };
  }
}
