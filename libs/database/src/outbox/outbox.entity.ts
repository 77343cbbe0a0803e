import { EntitySchema } from 'typeorm';

/** One integration event waiting to be published, or published (then kept a day for inspection). */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: unknown;
  /** Message headers sent with the event (correlation and causation ids); null when it has none. */
  headers: Record<string, string> | null;
  createdAt: Date;
  publishedAt: Date | null;
}

/**
 * The `outbox` table. Each service that publishes integration events has its own, in its own
 * schema (the service's data source puts its schema first on the search path).
 */
export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'outbox',
  tableName: 'outbox',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    topic: { type: 'varchar', length: 128 },
    key: { type: 'varchar', length: 64 },
    value: { type: 'jsonb' },
    headers: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'outbox_published_id', columns: ['publishedAt', 'id'] }],
});
