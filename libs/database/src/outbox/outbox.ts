import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { TopicContract } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DataSource, type EntityManager, IsNull, LessThan, In } from 'typeorm';
import { OutboxEntity } from './outbox.entity';
import { RelayLoop } from './relay-loop';

/** The topics a service's outbox may carry (provided by `OutboxModule.forFeature`). */
export const OUTBOX_TOPICS = Symbol('OUTBOX_TOPICS');

const BATCH = 500;
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

  constructor(
    private readonly db: DataSource,
    @Inject(BUS) private readonly bus: Bus,
    private readonly logger: Logger,
    @Inject(OUTBOX_TOPICS) topics: readonly TopicContract<unknown>[],
  ) {
    for (const topic of topics) this.topics.set(topic.name, topic);
    this.loop = new RelayLoop(() => this.drain(), (error) => this.logger.warn('outbox: events not published yet; retrying', { error: String(error) }), 1000);
  }

  /** Queues an event in the caller's transaction; a value that fails its schema fails the transaction. */
  async add<T>(tx: EntityManager, topic: TopicContract<T>, key: string, value: T): Promise<void> {
    const parsed = topic.schema.safeParse(value);
    if (!parsed.success) throw new Error(`invalid ${topic.name} event: ${parsed.error.message}`);
    if (!this.topics.has(topic.name)) throw new Error(`${topic.name} is not an outbox topic`);
    // Hand SQL: TypeORM's insert would need the jsonb value cast to its deep-partial type; this is the one statement.
    await tx.query('INSERT INTO outbox (topic, key, value, created_at) VALUES ($1, $2, $3, now())', [topic.name, key, JSON.stringify(parsed.data)]);
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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async drain(): Promise<void> {
    this.added = 0;
    for (;;) {
      const { taken, failure } = await this.db.transaction(async (tx) => {
        const rows = await tx
          .getRepository(OutboxEntity)
          .createQueryBuilder('o')
          .select(['o.id', 'o.topic', 'o.key', 'o.value'])
          .where({ publishedAt: IsNull(), topic: In([...this.topics.keys()]) })
          .orderBy('o.id')
          .limit(BATCH)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        const done: string[] = [];
        let failed: unknown;
        for (const row of rows) {
          try {
            await this.bus.publish(this.topics.get(row.topic)!, row.key, row.value);
            done.push(row.id);
          } catch (error) {
            failed = error;
            break;
          }
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
