import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { TopicContract } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { StoreMetrics } from '@workpoint/metrics';
import { DataSource, type EntityManager, IsNull, LessThan, In } from 'typeorm';
import { OutboxEntity, type OutboxRow } from './outbox.entity';
import { RelayLoop } from './relay-loop';

/** The topics a service's outbox may carry (provided by `OutboxModule.forFeature`). */
export const OUTBOX_TOPICS = Symbol('OUTBOX_TOPICS');

const BATCH = 500;
/** Events handed to the bus at once (one produce request): bounded, so a group stays far below the broker's request size. */
const SEND_TOGETHER = 50;
/** One outbox row as written: the value and headers as JSON text, for a `jsonb` parameter. */
export interface OutboxInsert {
  topic: string;
  key: string;
  value: string;
  headers: string | null;
}

/** An event that breaks its topic's contract: it is never written, and its caller's transaction fails. */
export class InvalidOutboxEventError extends Error {
  constructor(
    readonly topic: string,
    problems: string,
  ) {
    super(`invalid ${topic} event: ${problems}`);
    this.name = 'InvalidOutboxEventError';
  }
}

/** Published events are kept this long (for inspection), then deleted. */
const KEEP_PUBLISHED_MS = 24 * 3600_000;

/**
 * Integration events written in the same transaction as the state they describe, then
 * published: a crash, a broker that is away or a failed publish delays an event, never loses it.
 * Publishing is at least once (consumers dedupe on `eventId`), oldest first; several instances
 * share the work (`FOR UPDATE SKIP LOCKED`), so two events of one phone taken by two instances
 * may be published out of order — `occurredAt` tells their order.
 *
 * One implementation for every service: each has its own `outbox` table in its own schema.
 * An instance relays only its own topics, so a service may have several (each part of the
 * service that publishes through the outbox its own) on one table.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly topics = new Map<string, TopicContract<unknown>>();
  private readonly loop: RelayLoop;
  private lastPurge = 0;
  /** Events this process added since its last drain began: a kick with none does no database work. */
  private added = 0;
  /** Removes this service's outbox depth from the metrics (on shutdown). */
  private unwatch = (): void => undefined;

  constructor(
    private readonly db: DataSource,
    @Inject(BUS) private readonly bus: Bus,
    private readonly logger: Logger,
    @Inject(OUTBOX_TOPICS) topics: readonly TopicContract<unknown>[],
    @Optional() @Inject(StoreMetrics) private readonly metrics?: StoreMetrics,
  ) {
    for (const topic of topics) this.topics.set(topic.name, topic);
    this.loop = new RelayLoop(() => this.drain(), (error) => this.logger.warn('outbox: events not published yet; retrying', { error: String(error) }), 1000);
  }

  /**
   * Queues an event in the caller's transaction; a value that fails its schema fails the
   * transaction. The value (its `eventId` with it) and the headers are fixed in the row, so a
   * re-send after a crash or a failed publish is the very same message.
   */
  async add<T>(tx: EntityManager, topic: TopicContract<T>, key: string, value: T, headers?: Record<string, string>): Promise<void> {
    await this.insert(tx, this.encode(topic, key, value, headers));
  }

  /** Queues an event that `encode` checked, in the caller's transaction. */
  async insert(tx: EntityManager, row: OutboxInsert): Promise<void> {
    // Hand SQL: TypeORM's insert would need the jsonb value cast to its deep-partial type; this is the one statement.
    await tx.query('INSERT INTO outbox (topic, key, value, headers, created_at) VALUES ($1, $2, $3, $4, now())', [row.topic, row.key, row.value, row.headers]);
    this.noteAdded();
  }

  /**
   * An event checked against its topic's schema and serialised, for `insert`, or for a
   * repository that writes it with the change it describes in one statement (a hot path that
   * cannot afford a transaction's extra round trips; it then calls `noteAdded()`).
   */
  encode<T>(topic: TopicContract<T>, key: string, value: T, headers?: Record<string, string>): OutboxInsert {
    const parsed = topic.schema.safeParse(value);
    if (!parsed.success) throw new InvalidOutboxEventError(topic.name, parsed.error.message);
    // A programming error: the module did not list the topic (OutboxModule.forFeature).
    if (!this.topics.has(topic.name)) throw new Error(`${topic.name} is not an outbox topic`);
    return { topic: topic.name, key, value: JSON.stringify(parsed.data), headers: headers && Object.keys(headers).length > 0 ? JSON.stringify(headers) : null };
  }

  /** Counts an event written by a statement of the caller's (see `encode`), so that `kick()` publishes it. */
  noteAdded(): void {
    this.added++;
  }

  /** Publish soon, when events were added since the last drain (after a commit); the relay's timer catches the rest. */
  kick(): void {
    if (this.added > 0) void this.flush();
  }

  /** Publishes everything waiting; one run at a time, a request during a run makes one more. */
  flush(): Promise<void> {
    return this.loop.kick();
  }

  onApplicationBootstrap(): void {
    this.loop.start();
    this.watchDepth();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unwatch();
    await this.loop.stop();
  }

  /**
   * The table's unpublished events as `workpoint_outbox_depth_events{service}`: a COUNT on the
   * (published_at, id) index when Prometheus scrapes (cached), once per service however many
   * Outboxes share its table. Every replica of a service reports the same table: read it with max().
   */
  private watchDepth(): void {
    if (!this.metrics) return;
    const service = (this.db.options as { schema?: string }).schema ?? 'public';
    this.unwatch = this.metrics.outboxDepth.addSource(`outbox:${service}`, async () => {
      const [row] = await this.db.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return [{ labels: { service }, value: row?.n ?? 0 }];
    });
  }

  private async drain(): Promise<void> {
    this.added = 0;
    for (;;) {
      const { taken, failure } = await this.db.transaction(async (tx) => {
        const rows = await tx
          .getRepository(OutboxEntity)
          .createQueryBuilder('o')
          .select(['o.id', 'o.topic', 'o.key', 'o.value', 'o.headers'])
          .where({ publishedAt: IsNull(), topic: In([...this.topics.keys()]) })
          .orderBy('o.id')
          .limit(BATCH)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        const sendable: Array<{ row: OutboxRow; topic: TopicContract<unknown> }> = [];
        for (const row of rows) {
          // Only this Outbox's own topics were selected (several may share one table).
          sendable.push({ row, topic: this.topics.get(row.topic)! });
        }
        // Handed to the bus SEND_TOGETHER at a time, in id order: Kafka sends each group in one
        // produce request (per-key order kept) instead of one acknowledged round trip per event
        // while the rows stay locked. A group with a failure ends the pass.
        const done: string[] = [];
        let failed: unknown;
        for (let i = 0; i < sendable.length && failed === undefined; i += SEND_TOGETHER) {
          const group = sendable.slice(i, i + SEND_TOGETHER);
          const outcomes = await Promise.allSettled(group.map(({ row, topic }) => this.bus.publish(topic, row.key, row.value, row.headers ?? undefined)));
          outcomes.forEach((outcome, j) => {
            if (outcome.status === 'fulfilled') done.push(group[j]!.row.id);
            else failed ??= outcome.reason ?? new Error('outbox: publish failed');
          });
        }
        // What went out is noted (and committed) even when a later publish failed, so it does not go out again.
        if (done.length > 0) await tx.getRepository(OutboxEntity).update({ id: In(done) }, { publishedAt: new Date() });
        return { taken: rows.length, failure: failed };
      });
      if (failure !== undefined) throw failure;
      if (taken < BATCH) break;
    }
    if (Date.now() - this.lastPurge > 3600_000) {
      this.lastPurge = Date.now();
      await this.db.getRepository(OutboxEntity).delete({ publishedAt: LessThan(new Date(Date.now() - KEEP_PUBLISHED_MS)) });
    }
  }
}
