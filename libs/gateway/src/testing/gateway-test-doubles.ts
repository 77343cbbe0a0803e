import { ContactReceivedTopic, type ContactEvent, gatewayResponseTopic } from '@workpoint/contracts';
import type { Bus } from '@workpoint/messaging';
import { DEFAULT_MAX_ITEM_VALUE_CHARS, DEFAULT_SCAN_LIMITS } from '@workpoint/wpi-codec';
import { Test } from '@nestjs/testing';
import type { Logger } from '@workpoint/logging';
import { GatewayCoreModule } from '../gateway-core.module';
import { GatewayModule } from '../gateway.module';
import { GatewayService } from '../gateway.service';
import type { GatewaySettings } from '../gateway.settings';

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
  /** Runs the gateway's start-up: subscriptions, then ports. */
  start(): Promise<void>;
  /** Runs its shutdown. */
  close(): Promise<void>;
}

/** A gateway built by Nest as the apps build it, on the given bus, not yet started. */
export async function createTestGateway(bus: Bus, logger: Logger, settings: GatewaySettings): Promise<TestGateway> {
  const moduleRef = await Test.createTestingModule({ imports: [GatewayCoreModule.forRoot({ bus, logger }), GatewayModule.forRoot(settings)] }).compile();
  return {
    service: moduleRef.get(GatewayService),
    start: async () => void (await moduleRef.init()),
    close: () => moduleRef.close(),
  };
}
