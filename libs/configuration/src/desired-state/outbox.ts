import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { TopicContract } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';

export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: unknown;
  createdAt: Date;
  publishedAt: Date | null;
}

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'outbox',
  tableName: 'outbox',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    topic: { type: 'varchar', length: 128 },
    key: { type: 'varchar', length: 64 },
    value: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'outbox_published_id', columns: ['publishedAt', 'id'] }],
});

const BATCH = 500;
/** Published events are kept this long (for inspection), then deleted. */
const KEEP_PUBLISHED_MS = 24 * 3600_000;

/**
 * Integration events written in the same transaction as the state they describe, then
 * published: a crash, a broker that is away or a failed publish delays an event, never loses it.
 * Publishing is at least once (consumers dedupe on `eventId`), oldest first; several instances
 * share the work (`FOR UPDATE SKIP LOCKED`), so two events of one phone taken by two instances
 * may be published out of order — `occurredAt` tells their order.
 */
export class ConfigurationOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly topics = new Map<string, TopicContract<unknown>>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private lastPurge = 0;
  /** Events this process added since its last drain began: a kick with none does no database work. */
  private added = 0;

  constructor(
    private readonly db: DataSource,
    private readonly bus: Bus,
    private readonly logger: Logger,
    topics: readonly TopicContract<unknown>[],
    private readonly intervalMs = 1000,
  ) {
    for (const topic of topics) this.topics.set(topic.name, topic);
  }

  /** Queues an event in the caller's transaction; a value that fails its schema fails the transaction. */
  async add<T>(tx: EntityManager, topic: TopicContract<T>, key: string, value: T): Promise<void> {
    const parsed = topic.schema.safeParse(value);
    if (!parsed.success) throw new Error(`invalid ${topic.name} event: ${parsed.error.message}`);
    if (!this.topics.has(topic.name)) throw new Error(`${topic.name} is not an outbox topic`);
    await tx.query('INSERT INTO outbox (topic, key, value, created_at) VALUES ($1, $2, $3, now())', [topic.name, key, JSON.stringify(parsed.data)]);
    this.added++;
  }

  /** Publish soon, when events were added since the last drain (after a commit); the relay's timer catches the rest. */
  kick(): void {
    if (this.added > 0) void this.flush();
  }

  /** Publishes everything waiting; one run at a time, a request during a run makes one more. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn('outbox: events not published yet; retrying', { error: String(error) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.flush();
        }
      });
    return this.running;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
    void this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    this.added = 0;
    for (;;) {
      const { taken, failure } = await this.db.transaction(async (tx) => {
        const rows = (await tx.query(`SELECT id, topic, key, value FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`)) as {
          id: string;
          topic: string;
          key: string;
          value: unknown;
        }[];
        const done: string[] = [];
        let failed: unknown;
        for (const row of rows) {
          const topic = this.topics.get(row.topic);
          if (!topic) {
            this.logger.error('outbox: event for an unknown topic left unpublished', { id: row.id, topic: row.topic });
            continue;
          }
          try {
            await this.bus.publish(topic, row.key, row.value);
            done.push(row.id);
          } catch (error) {
            failed = error;
            break;
          }
        }
        // What went out is noted (and committed) even when a later publish failed, so it does not go out again.
        if (done.length > 0) await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [done]);
        return { taken: rows.length, failure: failed };
      });
      if (failure !== undefined) throw failure;
      if (taken < BATCH) break;
    }
    if (Date.now() - this.lastPurge > 3600_000) {
      this.lastPurge = Date.now();
      await this.db.query(`DELETE FROM outbox WHERE published_at < now() - interval '${KEEP_PUBLISHED_MS / 1000} seconds'`);
    }
  }
}
