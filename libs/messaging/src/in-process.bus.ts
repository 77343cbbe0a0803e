import { DeadLetterTopic, type TopicContract } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import { startProducerSpan } from '@workpoint/tracing';
import type { Bus, ConsumerLag, Subscription } from './bus';
import { encodeValue } from './codec';
import { DEFAULT_DELIVERY_POLICY, type DeliveryObserver, type DeliveryPolicy, DeliveryStoppedError, type RawMessage, deliver } from './delivery';

/**
 * The embedded default's bus: same contract as Kafka — values serialised and validated on
 * both sides, every consumer group gets each message once, messages with one key are handled
 * one after another in publish order — without a broker. Dead letters are logged (redacted
 * and bounded like every dead letter, see dead-letter.ts), since no operator consumes a topic
 * in embedded mode.
 */
export class InProcessBus implements Bus {
  private readonly groups = new Map<string, Map<string, Subscription<unknown>>>();
  /** Tail of the work queue per (group, key): keeps per-key order like a Kafka partition. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Latest value per key of compacted topics, replayed to new subscribers as Kafka would. */
  private readonly compacted = new Map<string, Map<string, RawMessage>>();
  /** Messages enqueued and not yet done, per group and topic: this bus's consumer lag. */
  private readonly pending = new Map<string, { groupId: string; topic: string; messages: number }>();
  private closed = false;
  /** Aborted by close(): handlers waiting to retry a transient failure give up. */
  private readonly closing = new AbortController();

  constructor(
    private readonly logger: Logger,
    private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
    private readonly observer?: DeliveryObserver,
  ) {}

  async publish<T>(topic: TopicContract<T>, key: string, value: T, headers: Record<string, string> = {}): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const encoded = encodeValue(topic, value);
    // The same trace context as on Kafka; the span ends at once, since nothing acknowledges here.
    const span = startProducerSpan(topic.name, headers);
    span.end();
    const raw: RawMessage = { topic: topic.name, key, value: encoded, headers: span.headers };
    // Already redacted and bounded (deadLetterOf); the logger bounds the line itself.
    if (topic.name === DeadLetterTopic.name) this.logger.error('dead letter', { deadLetter: JSON.parse(raw.value) as unknown });
    if (topic.compacted) {
      let latest = this.compacted.get(topic.name);
      if (!latest) this.compacted.set(topic.name, (latest = new Map()));
      latest.set(key, raw);
    }
    const subs = this.groups.get(topic.name);
    if (!subs) return;
    for (const sub of subs.values()) this.enqueue(raw, sub);
  }

  async subscribe<T>(sub: Subscription<T>): Promise<void> {
    let subs = this.groups.get(sub.topic.name);
    if (!subs) this.groups.set(sub.topic.name, (subs = new Map()));
    if (subs.has(sub.groupId)) throw new Error(`group ${sub.groupId} already subscribed to ${sub.topic.name}`);
    subs.set(sub.groupId, sub as Subscription<unknown>);
    if (sub.fromBeginning) for (const raw of this.compacted.get(sub.topic.name)?.values() ?? []) this.enqueue(raw, sub as Subscription<unknown>);
  }

  async ensureTopics(): Promise<void> {
    // Topics exist implicitly in-process.
  }

  async reachable(): Promise<void> {
    if (this.closed) throw new Error('bus closed');
  }

  live(): boolean {
    return true;
  }

  /** Lets the deliveries in hand finish; a message waiting to retry gives up (nothing could redeliver it after the process ends anyway). */
  async stopConsuming(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.tails.values()]);
  }

  async lag(): Promise<ConsumerLag[]> {
    return [...this.pending.values()].map(({ groupId, topic, messages }) => ({ groupId, topic, messages }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await Promise.allSettled([...this.tails.values()]);
  }

  private enqueue(raw: RawMessage, sub: Subscription<unknown>): void {
    const slot = `${sub.groupId}\u0000${raw.topic}\u0000${raw.key}`;
    const previous = this.tails.get(slot) ?? Promise.resolve();
    const lagKey = `${sub.groupId}\u0000${raw.topic}`;
    let lag = this.pending.get(lagKey);
    if (!lag) this.pending.set(lagKey, (lag = { groupId: sub.groupId, topic: raw.topic, messages: 0 }));
    const counted = lag;
    counted.messages++;
    const next = previous
      .then(() => deliver(raw, sub, { bus: this, logger: this.logger, policy: this.policy, closing: this.closing.signal, observer: this.observer }))
      .catch((error: unknown) => {
        // Nothing can redeliver in-process: either the bus closed while the message waited
        // for a dependency, or even its failure path threw.
        const why = error instanceof DeliveryStoppedError ? 'message not done when the bus closed' : 'message lost after its failure path failed';
        this.logger.error(why, { topic: raw.topic, mac: raw.key, error: String(error) });
      })
      .finally(() => {
        counted.messages--;
        if (this.tails.get(slot) === next) this.tails.delete(slot);
      });
    this.tails.set(slot, next);
  }
}
