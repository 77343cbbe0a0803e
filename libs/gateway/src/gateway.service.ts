import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ContactReceivedTopic, DeadLetterTopic, gatewayResponseTopic, type TopicContract } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { retryAtBoot } from '@workpoint/runtime';
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
   * A broker not reachable yet (the whole stack starting in any order) is waited for within
   * BOOT_RETRY_TIMEOUT_MS; on a broker where other processes create topics at the same moment,
   * kafkajs may not see a topic it has just created and fail, and the next attempt finds them.
   */
  private ensureTopics(topics: readonly TopicContract<unknown>[]): Promise<void> {
    return retryAtBoot('create the topics', () => this.bus.ensureTopics(topics), { timeoutMs: this.settings.bootRetryTimeoutMs ?? 10_000 }, this.logger);
  }

  /**
   * SIGTERM (the process has already turned not ready): the phone edge stops accepting
   * connections and the requests in progress get their real answers, each within its
   * ANSWER_TIMEOUT_MS (a 1 s margin covers the reply's writing); the response consumer keeps
   * running meanwhile. The process stops the consumers after this, then closes the app.
   */
  async drain(): Promise<void> {
    const timeoutMs = this.settings.answerTimeoutMs + 1000;
    const inFlight = this.waiter.size;
    this.logger.info('draining the phone edge', { waiting: inFlight, timeoutMs });
    const left = await this.edge.drain(timeoutMs);
    if (left > 0) this.logger.warn('phone requests cut at the end of the drain', { left });
    else this.logger.info('phone edge drained');
  }

  /** Whatever the drain left (or all, without one) is answered now rather than cut off, then the edge closes (Nest closes the DCMP port next). */
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
