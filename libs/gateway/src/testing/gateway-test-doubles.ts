import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ContactReceivedTopic, type ContactEvent, gatewayResponseTopic } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import { type Bus, InProcessBus } from '@workpoint/messaging';
import { HealthModule, ProcessCoreModule } from '@workpoint/runtime';
import { DEFAULT_MAX_ITEM_VALUE_CHARS, DEFAULT_SCAN_LIMITS } from '@workpoint/wpi-codec';
import { DcmpController } from '../dcmp.controller';
import { configureDcmpApp, DcmpAdmission, dcmpAdapter, DcmpExceptionFilter, dcmpPortOf } from '../dcmp.http';
import { listenGatewayApp } from '../gateway.app';
import { GatewayModule } from '../gateway.module';
import { GatewayService } from '../gateway.service';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway.settings';
import { PendingJobsView } from '../pending-jobs.view';

/**
 * Stands in for the services: records every contact and answers ReadAllItems to a start-up and
 * CleanUp to anything else (or nothing at all with `answer: false`, as services that are down).
 */
export async function answerAsServices(bus: Bus, groupId: string, seen: ContactEvent[], options: { answer?: boolean } = {}): Promise<void> {
  await bus.subscribe({
    topic: ContactReceivedTopic,
    groupId,
    handle: async ({ value }) => {
      seen.push(value);
      if (options.answer === false) return;
      const action = value.message.reason === 'start-up' ? 'ReadAllItems' : 'CleanUp';
      await bus.publish(gatewayResponseTopic(value.gatewayId), value.mac, {
        contactId: value.contactId,
        interactionId: value.interactionId,
        mac: value.mac,
        respondedBy: 'inventory',
        action,
        items: [],
      });
    },
  });
}

/** A gateway on loopback, on free ports, with a test session key; `overrides` for what a test varies. */
export function gatewayTestSettings(pems: { cert: string; private: string }, overrides: Partial<GatewaySettings> = {}): GatewaySettings {
  return {
    gatewayId: 'gw-unit',
    host: '127.0.0.1',
    port: 0,
    cert: pems.cert,
    key: pems.private,
    sessionSecret: 's'.repeat(32),
    sessionTtlSeconds: 600,
    answerTimeoutMs: 1000,
    maxBodyBytes: 1048576,
    dcmpHost: '127.0.0.1',
    dcmpPort: 0,
    maxConnections: 100,
    tlsHandshakeTimeoutMs: 10_000,
    perSourceMaxConcurrent: 100,
    scanLimits: DEFAULT_SCAN_LIMITS,
    maxItemValueChars: DEFAULT_MAX_ITEM_VALUE_CHARS,
    // Inline only: unit tests must not need the built worker (phone-message.parser.int-spec.ts tests the pool).
    parseInlineMaxBytes: 16_384,
    parseWorkers: 0,
    parseQueueMax: 64,
    ...overrides,
  };
}

export interface TestGateway {
  service: GatewayService;
  /** The DCMP listener's port once it listens. */
  readonly dcmpPort: number | undefined;
  /** Runs the gateway's start-up as the apps do: subscriptions, the HTTPS edge, then the DCMP listener. */
  start(): Promise<void>;
  /** Runs its shutdown. */
  close(): Promise<void>;
}

/** A gateway built by Nest as the apps build it (a Fastify app), on the given bus, not yet started. */
export async function createTestGateway(bus: Bus, logger: Logger, settings: GatewaySettings): Promise<TestGateway> {
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule.register({ bus, logger, settings })] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(dcmpAdapter(settings, logger), { bodyParser: false, logger: false });
  return {
    service: app.get(GatewayService),
    get dcmpPort() {
      return app.getHttpServer().listening ? dcmpPortOf(app) : undefined;
    },
    start: async () => void (await listenGatewayApp(app, settings, logger)),
    close: () => app.close(),
  };
}

/** The DCMP listener alone (controller, admission, error answers) over `pending`, as a Nest Fastify app. */
export function dcmpTestServer(
  pending: PendingJobsView,
  limits: Pick<GatewaySettings, 'maxConnections' | 'perSourceMaxConcurrent'>,
  logger: Logger,
): { listen(): Promise<number>; close(): Promise<void> } {
  let app: NestFastifyApplication | undefined;
  return {
    listen: async () => {
      const moduleRef = await Test.createTestingModule({
        // Probes as the gateway app has them, over a bus that is always up.
        imports: [ProcessCoreModule.forRoot({ bus: new InProcessBus(logger), logger }), HealthModule],
        controllers: [DcmpController],
        providers: [
          PendingJobsView,
          DcmpAdmission,
          { provide: APP_FILTER, useClass: DcmpExceptionFilter },
          { provide: GATEWAY_SETTINGS, useValue: limits },
        ],
      })
        .overrideProvider(PendingJobsView)
        .useValue(pending)
        .compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(dcmpAdapter(limits, logger), { bodyParser: false, logger: false });
      configureDcmpApp(app);
      await app.listen(0, '127.0.0.1');
      return dcmpPortOf(app);
    },
    close: async () => app?.close(),
  };
}
