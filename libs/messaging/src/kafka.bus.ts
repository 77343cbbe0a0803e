import type { ConnectionOptions } from 'node:tls';
import { type Admin, type Consumer, type EachBatchPayload, Kafka, type KafkaConfig, type KafkaMessage, type LogEntry, logLevel, type Message, Partitioners, type Producer, type SASLOptions } from 'kafkajs';
import { type TopicContract, topicConfigs } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import { startProducerSpan } from '@workpoint/tracing';
import type { Bus, ConsumerLag, Subscription } from './bus';
import { encodeValue } from './codec';
import { ClassifiedFailure } from './failure-classification';
import { attemptDelivery, DEFAULT_DELIVERY_POLICY, type DeliveryObserver, type DeliveryPolicy, freshRetryState, type RawMessage, type RetryState } from './delivery';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  partitionsConsumedConcurrently: number;
  policy?: DeliveryPolicy;
  /** Shorter group timeouts make tests rebalance faster; production keeps Kafka's defaults. */
  sessionTimeoutMs?: number;
  /** Told of retries and dead letters (the process's metrics). */
  observer?: DeliveryObserver;
  /** TLS to the brokers; their certificate is always verified (rejectUnauthorized is forced on). */
  ssl?: ConnectionOptions;
  /** SASL: SCRAM credentials or an OAUTHBEARER token provider. */
  sasl?: SASLOptions;
  /** false: ensureTopics creates nothing and only checks that the topics exist with `partitions` or more (default true). */
  createTopics?: boolean;
}

/** Topics the bus needs that an administrator has not created (KAFKA_CREATE_TOPICS=false): permanent, the boot fails. */
export class MissingTopicsError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `KAFKA_CREATE_TOPICS=false and ${missing.length} topic(s) are missing or too small; create them as \`workpoint kafka-topics --script\` prints:\n  - ${missing.join('\n  - ')}`,
    );
    this.name = 'MissingTopicsError';
  }
}

/**
 * Kafka implementation of the bus on kafkajs. Each subscription is its own consumer (its own
 * group membership); one idempotent-enough producer (acks=all) serves every publish.
 */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private producerReady?: Promise<void>;
  private readonly consumers: Consumer[] = [];
  private readonly outbox: Array<{ topic: string; message: Message; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** Set when kafkajs gave up on a consumer for good (CRASH without restart): liveness fails. */
  private stoppedForGood = false;
  /** The readiness probe's own admin client, connected on first use. */
  private probe?: { admin: Admin; connected: Promise<void> };
  /** stopConsuming() was called: batches in hand finish, paused partitions are not resumed. */
  private draining = false;
  /** Resumes of paused partitions still to come; cleared by close(). */
  private readonly resumes = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Group and topic of each subscription, for lag(). */
  private readonly subscribed: Array<{ groupId: string; topic: string }> = [];
  /** The admin client lag() reads offsets with, connected on first use and kept (a scrape every few seconds). */
  private lagAdmin?: Promise<Admin>;

  constructor(
    private readonly options: KafkaBusOptions,
    private readonly logger: Logger,
  ) {
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.kafkaLog(entry),
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
      ...(options.ssl ? { ssl: { ...options.ssl, rejectUnauthorized: true } } : {}),
      ...(options.sasl ? { sasl: options.sasl } : {}),
    };
    this.kafka = new Kafka(config);
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  async publish<T>(topic: TopicContract<T>, key: string, value: T, headers: Record<string, string> = {}): Promise<void> {
    const encoded = encodeValue(topic, value);
    // Started here, in the caller's context, because the send itself happens in a later turn
    // (flush) that batches several callers' messages: each message carries its own trace.
    const span = startProducerSpan(topic.name, headers);
    try {
      await this.connectProducer();
      await new Promise<void>((resolve, reject) => {
        this.outbox.push({ topic: topic.name, message: { key, value: encoded, headers: span.headers }, resolve, reject });
        if (this.outbox.length === 1) setImmediate(() => this.flush());
      });
    } catch (error) {
      span.end(error);
      throw error;
    }
    span.end();
  }

  /**
   * Everything published in one turn of the event loop goes to the broker in one produce
   * request (acks=all). Under load this cuts the broker's request rate several-fold at no
   * latency cost; each publish still resolves only once the broker acknowledged it.
   */
  private flush(): void {
    const batch = this.outbox.splice(0);
    const byTopic = new Map<string, Message[]>();
    for (const item of batch) {
      const messages = byTopic.get(item.topic);
      if (messages) messages.push(item.message);
      else byTopic.set(item.topic, [item.message]);
    }
    this.producer
      .sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
      .then(
        () => batch.forEach((item) => item.resolve()),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      );
  }

  async subscribe<T>(sub: Subscription<T>): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: sub.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: Math.min(3000, Math.floor((this.options.sessionTimeoutMs ?? 30000) / 3)),
      maxWaitTimeInMs: 1000,
    });
    this.consumers.push(consumer);
    this.subscribed.push({ groupId: sub.groupId, topic: sub.topic.name });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer itself after a retriable crash (a broker outage is one);
      // after a non-retriable one it stays stopped, and only a new process consumes again.
      const { error, restart } = event.payload;
      if (!restart && !this.closed) this.stoppedForGood = true;
      this.logger.error(restart ? 'kafka consumer crashed; kafkajs restarts it' : 'kafka consumer stopped for good; liveness now fails', {
        groupId: sub.groupId,
        topic: sub.topic.name,
        error: String(error),
        restart,
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: sub.topic.name, fromBeginning: sub.fromBeginning ?? false });
    // Where each partition's first undone message stands: its retry state survives its redeliveries.
    const retries = new Map<number, { offset: string; state: RetryState }>();
    await consumer.run({
      // Offsets are committed at most every 500 ms rather than after every batch: handlers
      // are idempotent, so the few messages a crash would redeliver are harmless.
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      // Offsets are resolved one message at a time, and never past one that is not done.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(sub, payload, retries),
    });
    await joined;
  }

  /**
   * A message that must be tried again pauses its partition instead of holding it in a sleep:
   * its offset is not resolved, so kafkajs fetches the partition again from that message once
   * it is resumed after the backoff (the fetch position is the last resolved offset), and
   * nothing past it is committed meanwhile. The rest of the batch is left for that refetch.
   * Other partitions keep flowing, the consumer keeps fetching (and so heartbeating) as usual,
   * and a rebalance need not wait for a sleeping handler: a partition taken away meanwhile
   * restarts at its committed offset, at or before the message, on its new owner.
   * This is kafkajs's documented pause()/resume() within a handler, without throwing from it:
   * a throw would stop every partition's fetcher and count against the consumer's retries.
   */
  private async consumeBatch<T>(sub: Subscription<T>, payload: EachBatchPayload, retries: Map<number, { offset: string; state: RetryState }>): Promise<void> {
    const { batch, resolveOffset, heartbeat, pause, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const deps = { bus: this, logger: this.logger, policy: this.options.policy ?? DEFAULT_DELIVERY_POLICY, observer: this.options.observer };
    for (const message of batch.messages) {
      // Stopped by stopConsuming(): the batch in hand is finished; stopped otherwise (a
      // rebalance, a crash): nothing more is handled. Undone messages are never resolved.
      if ((!isRunning() && !this.draining) || isStale() || this.closed) return;
      let retry = retries.get(batch.partition);
      if (retry?.offset !== message.offset) retries.set(batch.partition, (retry = { offset: message.offset, state: freshRetryState() }));
      const outcome = await attemptDelivery(rawOf(batch.topic, message), sub, deps, retry.state);
      if (!outcome.done) {
        if (!this.closed && !this.draining) this.resumeLater(pause(), outcome.retryInMs);
        return;
      }
      retries.delete(batch.partition);
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private resumeLater(resume: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.resumes.delete(timer);
      resume();
    }, ms);
    this.resumes.add(timer);
  }

  async ensureTopics(topics: readonly TopicContract<unknown>[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect().catch((error: unknown) => {
      throw this.refusedAuthentication(error) ?? error;
    });
    try {
      if (this.options.createTopics === false) return await this.checkTopics(admin, topics);
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        try {
          await admin.createTopics({
            // Leaders are awaited below for every topic, whoever created it; kafkajs's own wait
            // sometimes fails on a fresh broker with "does not host this topic-partition".
            waitForLeaders: false,
            topics: missing.map((t) => ({
              topic: t.name,
              numPartitions: this.options.partitions,
              replicationFactor: this.options.replicationFactor,
              // The same configs `workpoint kafka-topics` gives an administrator.
              configEntries: Object.entries(topicConfigs(t)).map(([name, value]) => ({ name, value })),
            })),
          });
          this.logger.info('topics created', { topics: missing.map((t) => t.name) });
        } catch (error) {
          // Another process may have created the same topic between list and create.
          if (!String((error as Error).message).includes('already exists')) throw error;
        }
      }
      // A topic another process just created may not have leaders yet; consuming or producing
      // before it does fails with "does not host this topic-partition".
      await waitForLeaders(admin, topics.map((t) => t.name));
    } finally {
      await admin.disconnect();
    }
  }

  /** KAFKA_CREATE_TOPICS=false: every topic must exist with at least the configured partitions; all that do not are named at once. */
  private async checkTopics(admin: Admin, topics: readonly TopicContract<unknown>[]): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t.name)).map((t) => t.name);
    const { topics: meta } = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
    const partitions = new Map(meta.map((t) => [t.name, t.partitions.length]));
    const missing = topics.flatMap((t) => {
      const count = partitions.get(t.name);
      if (count === undefined) return [`${t.name} (missing)`];
      return count < this.options.partitions ? [`${t.name} (${count} partitions, needs ${this.options.partitions}: KAFKA_TOPIC_PARTITIONS)`] : [];
    });
    if (missing.length > 0) throw new ClassifiedFailure('permanent', 'kafka-topics-missing', new MissingTopicsError(missing));
    await waitForLeaders(admin, topics.map((t) => t.name));
  }

  /**
   * A broker that refused our credentials (or a certificate we do not trust) refuses them again:
   * the boot fails with what to check instead of kafkajs's bare message.
   */
  private refusedAuthentication(error: unknown): ClassifiedFailure | undefined {
    const text = String((error as Error).message);
    // Node's verification failures (self-signed, unknown issuer, wrong host name); kafkajs retries them as connection errors first.
    if (/certificate|unable to verify|Hostname\/IP does not match/i.test(text)) {
      return new ClassifiedFailure('permanent', 'kafka-tls-untrusted', new Error(`the Kafka broker's TLS certificate was not accepted: check KAFKA_SSL_CA_FILE and KAFKA_SSL_SERVERNAME (${text})`, { cause: error }));
    }
    if ((error as { name?: unknown }).name !== 'KafkaJSSASLAuthenticationError') return undefined;
    const how = this.options.sasl ? `SASL ${this.options.sasl.mechanism.toUpperCase()}` : 'SASL';
    const cause = new Error(`Kafka refused authentication (${how}): check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD or KAFKA_OAUTH_* and the principal's ACLs (${(error as Error).message})`, { cause: error });
    return new ClassifiedFailure('permanent', 'kafka-authentication-failed', cause);
  }

  /**
   * One metadata round trip (describeCluster) on an admin client of its own that does not retry:
   * the caller bounds and caches it, and a broker that is down fails it at once.
   */
  async reachable(): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    if (!this.probe) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.probe = { admin, connected: admin.connect() };
    }
    const { admin, connected } = this.probe;
    try {
      await connected;
      await admin.describeCluster();
    } catch (error) {
      // Connected afresh next time: kafkajs does not reconnect an admin whose connect failed.
      this.probe = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Each subscription's lag from the broker's offsets (admin API: the topic's end offsets minus
   * the group's committed offsets, summed over partitions; a partition the group never committed
   * counts from its start). Read by the metrics on a scrape, which caches it: the broker's view
   * is the one that still grows while this consumer is stuck or gone, where the consumer's own
   * fetch information would stop at its last batch.
   */
  async lag(): Promise<ConsumerLag[]> {
    if (this.subscribed.length === 0) return [];
    this.lagAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.lagAdmin = undefined;
      throw error;
    });
    const admin = await this.lagAdmin;
    return Promise.all(
      this.subscribed.map(async ({ groupId, topic }) => {
        const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
        const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        let messages = 0;
        for (const p of ends) {
          const at = done.get(p.partition) ?? -1;
          messages += Math.max(0, Number(p.high) - (at >= 0 ? at : Number(p.low)));
        }
        return { groupId, topic, messages };
      }),
    );
  }

  live(): boolean {
    return !this.stoppedForGood;
  }

  async stopConsuming(): Promise<void> {
    this.draining = true;
    for (const timer of this.resumes) clearTimeout(timer);
    this.resumes.clear();
    // disconnect() stops the consumer (kafkajs waits for the batch in hand), commits what was
    // resolved and leaves the group, so its partitions move to another member at once.
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
  }

  /** Stops at once: a batch in hand ends after its current message (call stopConsuming() first to finish it). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.resumes) clearTimeout(timer);
    this.resumes.clear();
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    if (this.probe) await this.probe.admin.disconnect().catch(() => undefined);
    if (this.lagAdmin) await this.lagAdmin.then((admin) => admin.disconnect()).catch(() => undefined);
    if (this.producerReady) await this.producer.disconnect().catch(() => undefined);
  }

  private connectProducer(): Promise<void> {
    if (!this.producerReady) {
      this.producerReady = this.producer.connect().catch((error: unknown) => {
        this.producerReady = undefined;
        throw error;
      });
    }
    return this.producerReady;
  }

  private kafkaLog(entry: LogEntry): void {
    const level = entry.level === logLevel.ERROR || entry.level === logLevel.NOTHING ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
    const { message, ...rest } = entry.log;
    this.logger[level](`kafkajs: ${message}`, { kafka: rest, namespace: entry.namespace });
  }
}

function rawOf(topic: string, message: KafkaMessage): RawMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return { topic, key: message.key ? message.key.toString() : null, value: message.value ? message.value.toString('utf8') : '', headers };
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
