import { EntitySchema, type DataSource } from 'typeorm';
import { WPI_ACTIONS, type WpiAction, type WpiItem } from '@workpoint/wpi-codec';

/**
 * A job a service has queued for one phone: the action (and items) it wants sent on the
 * phone's next contact. Configuration and deployment each keep their own table of these;
 * the shape is shared, the tables are not.
 */
export interface QueuedJob {
  id: string;
  mac: string;
  action: WpiAction;
  items: WpiItem[];
  state: 'queued' | 'sent';
  createdAt: Date;
  sentAt: Date | null;
  sentInContact: string | null;
}

export function jobEntitySchema(table: string): EntitySchema<QueuedJob> {
  return new EntitySchema<QueuedJob>({
    name: table,
    tableName: table,
    columns: {
      id: { type: 'bigint', primary: true, generated: 'increment' },
      mac: { type: 'varchar', length: 17 },
      action: { type: 'varchar', length: 32 },
      items: { type: 'jsonb' },
      state: { type: 'varchar', length: 16 },
      createdAt: { name: 'created_at', type: 'timestamptz' },
      sentAt: { name: 'sent_at', type: 'timestamptz', nullable: true },
      sentInContact: { name: 'sent_in_contact', type: 'uuid', nullable: true },
    },
    indices: [{ name: `${table}_mac_state`, columns: ['mac', 'state'] }],
  });
}

/** The migration SQL for jobEntitySchema(table) in `schema`. */
export function jobTableSql(schema: string, table: string, primaryKeyName: string): string[] {
  return [
    `CREATE TABLE "${schema}"."${table}" (
      "id" BIGSERIAL NOT NULL,
      "mac" character varying(17) NOT NULL,
      "action" character varying(32) NOT NULL,
      "items" jsonb NOT NULL,
      "state" character varying(16) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "sent_at" TIMESTAMP WITH TIME ZONE,
      "sent_in_contact" uuid,
      CONSTRAINT "${primaryKeyName}" PRIMARY KEY ("id"))`,
    `CREATE INDEX "${table}_mac_state" ON "${schema}"."${table}" ("mac", "state")`,
  ];
}

/** Repository over one service's job table (the only code touching it). */
export class JobQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
  ) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`invalid table name ${table}`);
  }

  async enqueue(mac: string, action: WpiAction, items: WpiItem[] = []): Promise<string> {
    if (!WPI_ACTIONS.includes(action)) throw new Error(`unknown action ${action}`);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO ${this.table} (mac, action, items, state, created_at) VALUES ($1, $2, $3::jsonb, 'queued', now()) RETURNING id`,
      [mac, action, JSON.stringify(items)],
    );
    return String(rows[0]?.id);
  }

  /**
   * Marks the oldest queued job of the phone as sent in this contact and returns it. A
   * redelivered contact gets the job it already took, so a redelivery sends the same answer.
   */
  async takeNext(mac: string, contactId: string): Promise<QueuedJob | null> {
    const already = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE sent_in_contact = $1 LIMIT 1`, [contactId]);
    if (already.length > 0) return toJob(already[0]);
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows] = await this.dataSource.query(
      `UPDATE ${this.table} SET state = 'sent', sent_at = now(), sent_in_contact = $2
       WHERE id = (SELECT id FROM ${this.table} WHERE mac = $1 AND state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [mac, contactId],
    );
    return rows.length > 0 ? toJob(rows[0]) : null;
  }
}

const COLUMNS = 'id, mac, action, items, state, created_at, sent_at, sent_in_contact';

function toJob(row: Record<string, unknown>): QueuedJob {
  return {
    id: String(row['id']),
    mac: String(row['mac']),
    action: row['action'] as WpiAction,
    items: row['items'] as WpiItem[],
    state: row['state'] as QueuedJob['state'],
    createdAt: row['created_at'] as Date,
    sentAt: (row['sent_at'] as Date | null) ?? null,
    sentInContact: (row['sent_in_contact'] as string | null) ?? null,
  };
}
