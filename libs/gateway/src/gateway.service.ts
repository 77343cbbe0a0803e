import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ContactReceivedTopic, DeadLetterTopic, gatewayResponseTopic, type TopicContract } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { GATEWAY_VIEW_TOPICS, subscribeGatewayViews } from './gateway-views.subscriber';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings';
import { HttpsEdge } from './https-edge';
import { PendingJobsView } from './pending-jobs.view';
import { PhoneMessageParser } from './phone-message.parser';
import { ResponseWaiter } from './response-waiter';
import { SessionNonceView } from './session-nonce.view';

/**
 * The gateway's lifecycle: its response topic and its views are consumed before the HTTPS and
 * DCMP ports open (the edge here, DCMP when the app listens after its bootstrap hooks), so no answer to a phone can arrive before someone listens for it, and no
 * phone is served from a view nobody feeds.
 */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private boundPort?: number;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly logger: Logger,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly waiter: ResponseWaiter,
    readonly pendingJobs: PendingJobsView,
    readonly nonces: SessionNonceView,
    private readonly edge: HttpsEdge,
    private readonly parser: PhoneMessageParser,
  ) {}

  get port(): number | undefined {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus, logger, settings } = this;
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
    // The DCMP port opens after this, when the Nest app listens (startGatewayApp).
    this.boundPort = await this.edge.listen();
  }

  /**
   * On a broker where other processes create topics at the same moment (a fresh cluster, the
   * whole stack starting), kafkajs may not see a topic it has just created and fail; a second
   * attempt finds the topics and only waits for their leaders.
   */
  private async ensureTopics(topics: readonly TopicContract<unknown>[], attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bus.ensureTopics(topics);
      } catch (error) {
        if (attempt >= attempts) throw error;
        this.logger.warn('could not ensure the topics yet; retrying', { attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  /** Open requests are answered now rather than cut off, then the edge closes (Nest closes the DCMP port next). */
  async beforeApplicationShutdown(): Promise<void> {
    this.waiter.expireAll();
    this.nonces.close();
    await this.edge.close();
  }

  async onApplicationShutdown(): Promise<void> {
    // After the edge: requests in progress finish their parse before the workers stop.
    await this.parser.close();
  }
}
