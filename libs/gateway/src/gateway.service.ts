import { type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ContactReceivedTopic, DeadLetterTopic, gatewayResponseTopic } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { HttpsEdge } from './https-edge';
import { PhoneRequestHandler } from './phone-request.handler';
import { ResponseWaiter } from './response-waiter';
import { SessionCookies } from './session-cookie';

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
}

export interface GatewayDeps {
  bus: Bus;
  logger: Logger;
  settings: GatewaySettings;
}

/**
 * The gateway's lifecycle: its response topic is consumed before the HTTPS port opens, so no
 * answer to a phone can arrive before someone listens for it.
 */
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiter = new ResponseWaiter();
  private readonly edge: HttpsEdge;
  private boundPort?: number;

  constructor(private readonly deps: GatewayDeps) {
    const { bus, logger, settings } = deps;
    const handler = new PhoneRequestHandler(bus, this.waiter, new SessionCookies(settings.sessionSecret, settings.sessionTtlSeconds), logger, {
      gatewayId: settings.gatewayId,
      answerTimeoutMs: settings.answerTimeoutMs,
    });
    this.edge = new HttpsEdge(
      handler,
      { host: settings.host, port: settings.port, cert: settings.cert, key: settings.key, maxBodyBytes: settings.maxBodyBytes, ready: () => bus.healthy() },
      logger,
    );
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus, logger, settings } = this.deps;
    const responses = gatewayResponseTopic(settings.gatewayId);
    await bus.ensureTopics([ContactReceivedTopic, responses, DeadLetterTopic]);
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
    this.boundPort = await this.edge.listen();
    logger.info('gateway listening', { url: `https://${settings.host}:${this.boundPort}/DeploymentService/LoginService`, gatewayId: settings.gatewayId });
  }

  async onApplicationShutdown(): Promise<void> {
    this.waiter.expireAll();
    await this.edge.close();
  }
}
