import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntitySchema, type EntityManager } from 'typeorm';
import { WPI_ACTIONS, type WpiAction, type WpiItem } from '@workpoint/wpi-codec';

/**
 * A job a service has queued for one phone: the action (and items) it wants sent on the
 * phone's next contact. Configuration and deployment each keep their own table of these;
 * the shape is shared, the tables are not.
 */
export type JobState = 'queued' | 'sent' | 'done';

/** Where a queue operation runs: the queue's own connection, or the caller's transaction. */
export type JobQueueRunner = Pick<DataSource | EntityManager, 'query'>;
export type JobOutcome = 'accepted' | 'failed';

export interface QueuedJob {
  id: string;
  mac: string;
  action: WpiAction;
  items: WpiItem[];
  state: JobState;
  createdAt: Date;
  sentAt: Date | null;
  sentInContact: string | null;
  /** The interaction the job was sent in; the phone's reply-to in it carries the outcome. */
  sentInInteraction: string | null;
  outcome: JobOutcome | null;
  /** The items the phone reported a status for (WriteItems answers only list problems). */
  itemResults: WpiItem[] | null;
  completedAt: Date | null;
  /** How often the phone answered busy; the job stays queued each time. */
  busyCount: number;
  /** The contact whose busy answer last re-queued the job (makes a redelivery harmless). */
  lastBusyContact: string | null;
  /** The command's id, when the job came from a command event (idempotency key). */
  requestId: string | null;
  /** Items the phone has answered for (a large job goes out in several parts). */
  itemsDone: number;
  /** Size of the part sent and not answered yet; of a failed job, the part the phone failed. */
  partSize: number;
}

/** The part of a job that is out with the phone (or about to be). */
export function outstandingPart(job: QueuedJob): WpiItem[] {
  return job.items.slice(job.itemsDone, job.itemsDone + job.partSize);
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
      sentInInteraction: { name: 'sent_in_interaction', type: 'uuid', nullable: true },
      outcome: { type: 'varchar', length: 16, nullable: true },
      itemResults: { name: 'item_results', type: 'jsonb', nullable: true },
      completedAt: { name: 'completed_at', type: 'timestamptz', nullable: true },
      busyCount: { name: 'busy_count', type: 'integer', default: 0 },
      lastBusyContact: { name: 'last_busy_contact', type: 'uuid', nullable: true },
      requestId: { name: 'request_id', type: 'uuid', nullable: true },
      itemsDone: { name: 'items_done', type: 'integer', default: 0 },
      partSize: { name: 'part_size', type: 'integer', default: 0 },
    },
    indices: [
      { name: `${table}_mac_state`, columns: ['mac', 'state'] },
      { name: `${table}_request_id`, columns: ['requestId'], unique: true },
      { name: `${table}_completed_at`, columns: ['completedAt'] },
    ],
  });
}

/** The retention sweep of a job table (a `RetentionSweep` of @workpoint/database): completed jobs older than `keepMs`. */
export function completedJobsSweep(jobs: Pick<JobQueue, 'deleteCompletedBefore'>, name: string, keepMs: number) {
  return { name, deleteBatch: (now: Date, limit: number) => jobs.deleteCompletedBefore(new Date(now.getTime() - keepMs), limit) };
}

/** Injection token of the name of a stage's job table. */
export const JOB_TABLE = Symbol('JOB_TABLE');

/**
 * Repository over one service's job table (the only code touching it). Hand-written SQL: the
 * table name is the stage's (one class serves both job tables), and the hot path (take the next
 * job, FOR UPDATE, UPDATE … RETURNING) runs once per contact of every phone. Rows
 * come back typed ({@link JobRow}) and are mapped by one function, `toJob`.
 */
@Injectable()
export class JobQueue {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JOB_TABLE) private readonly table: string,
  ) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`invalid table name ${table}`);
  }

  /**
   * Queues a job. With a request id (a command's), queuing the same command again returns the
   * job it made the first time (`created: false`).
   */
  async enqueue(mac: string, action: WpiAction, items: WpiItem[] = [], requestId?: string, runner: JobQueueRunner = this.dataSource): Promise<{ id: string; created: boolean }> {
    if (!WPI_ACTIONS.includes(action)) throw new Error(`unknown action ${action}`);
    const rows: Array<{ id: string }> = await runner.query(
      `INSERT INTO ${this.table} (mac, action, items, state, created_at, request_id)
       VALUES ($1, $2, $3::jsonb, 'queued', now(), $4)
       ON CONFLICT (request_id) DO NOTHING RETURNING id`,
      [mac, action, JSON.stringify(items), requestId ?? null],
    );
    if (rows[0]) return { id: String(rows[0].id), created: true };
    const existing: Array<{ id: string }> = await runner.query(`SELECT id FROM ${this.table} WHERE request_id = $1`, [requestId]);
    return { id: String(existing[0]?.id), created: false };
  }

  /**
   * Marks the oldest queued job of the phone as sent in this contact and returns it; `partSize`
   * says how many of its remaining items fit in the message. A redelivered contact gets the
   * job it already took, so a redelivery sends the same answer.
   * The job row is taken with a plain `FOR UPDATE`, not `SKIP LOCKED`: a row another transaction
   * holds is a job being changed (a re-plan replacing a sync job's items, a completion), not one
   * taken by someone else — skipped, the phone's contact would end without it and the job stay
   * queued with nobody to carry it. Those transactions are short and never wait for this one
   * (it locks this one row only), so the contact waits for them and sends what they committed.
   */
  async takeNext(
    mac: string,
    contactId: string,
    interactionId: string,
    partSize: (remaining: WpiItem[], action: WpiAction) => number,
  ): Promise<QueuedJob | null> {
    const already: JobRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE sent_in_contact = $1 LIMIT 1`, [contactId]);
    if (already.length > 0) return toJob(already[0]!);
    return this.dataSource.transaction(async (tx) => {
      const next: JobRow[] = await tx.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE mac = $1 AND state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE`, [mac]);
      if (next.length === 0) return null;
      const job = toJob(next[0]!);
      const size = partSize(job.items.slice(job.itemsDone), job.action);
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
      const [rows] = (await tx.query(
        `UPDATE ${this.table} SET state = 'sent', sent_at = now(), sent_in_contact = $2, sent_in_interaction = $3, part_size = $4
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [job.id, contactId, interactionId, size],
      )) as [JobRow[], number];
      return toJob(rows[0]!);
    });
  }

  /** Runs `work` in one transaction of the queue's database (e.g. a completion and its event in the outbox). */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The phone took one part of a large job; the next part goes out in this contact. */
  async advance(job: QueuedJob, contactId: string, flagged: WpiItem[], nextPartSize: number): Promise<QueuedJob> {
    const [rows] = (await this.dataSource.query(
      `UPDATE ${this.table}
       SET items_done = items_done + part_size, part_size = $3, sent_in_contact = $2, sent_at = now(),
           item_results = COALESCE(item_results, '[]'::jsonb) || $4::jsonb
       WHERE id = $1 AND state = 'sent' AND sent_in_contact IS DISTINCT FROM $2 RETURNING ${COLUMNS}`,
      [job.id, contactId, nextPartSize, JSON.stringify(flagged)],
    )) as [JobRow[], number];
    return rows[0] ? toJob(rows[0]) : job;
  }

  /**
   * The job a reply-to answers: sent to this phone for this action, in this interaction —
   * or, when the phone came back without its session cookie (protocol.md §2.4), the latest
   * job of that action still waiting for its answer.
   */
  async awaitingReply(mac: string, interactionId: string, action: string): Promise<QueuedJob | null> {
    const rows: JobRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table}
       WHERE mac = $1 AND state = 'sent' AND action = $3
       ORDER BY (sent_in_interaction = $2) DESC, sent_at DESC LIMIT 1`,
      [mac, interactionId, action],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  /**
   * Records the phone's verdict and returns the finished job; a redelivered reply finds the
   * job done, changes nothing and gets null.
   */
  async complete(id: string, outcome: JobOutcome, itemResults: WpiItem[], runner: JobQueueRunner = this.dataSource): Promise<QueuedJob | null> {
    const [rows] = (await runner.query(
      `UPDATE ${this.table}
       SET state = 'done', outcome = $2::varchar, item_results = COALESCE(item_results, '[]'::jsonb) || $3::jsonb, completed_at = now(),
           items_done = CASE WHEN $2::varchar = 'accepted' THEN items_done + part_size ELSE items_done END,
           part_size = CASE WHEN $2::varchar = 'accepted' THEN 0 ELSE part_size END
       WHERE id = $1 AND state IN ('sent', 'queued') RETURNING ${COLUMNS}`,
      [id, outcome, JSON.stringify(itemResults)],
    )) as [JobRow[], number];
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** The phone was busy: the job goes back to the queue, keeping its place (ids keep the order). */
  async requeueBusy(id: string, contactId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET state = 'queued', sent_in_contact = NULL, sent_in_interaction = NULL, part_size = 0,
         busy_count = busy_count + 1, last_busy_contact = $2
       WHERE id = $1 AND state = 'sent'`,
      [id, contactId],
    );
  }

  /** Whether this contact's busy answer already re-queued a job (a redelivered contact). */
  async requeuedBusyBy(contactId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${this.table} WHERE last_busy_contact = $1 LIMIT 1`, [contactId]);
    return rows.length > 0;
  }

  /** A job sent in an interaction that ended without its answer goes back to the queue. */
  async requeueUnanswered(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET state = 'queued', sent_in_contact = NULL, sent_in_interaction = NULL, part_size = 0 WHERE id = $1 AND state = 'sent'`,
      [id],
    );
  }

  /** Jobs of the phone sent and still waiting for their answer. */
  async sentJobs(mac: string): Promise<QueuedJob[]> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE mac = $1 AND state = 'sent' ORDER BY id`, [mac]);
    return rows.map(toJob);
  }

  /**
   * Deletes at most `limit` jobs completed before `cutoff` (queued and sent jobs are never
   * touched), oldest first; rows another instance is deleting are skipped.
   */
  async deleteCompletedBefore(cutoff: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE id IN (
         SELECT id FROM ${this.table} WHERE state = 'done' AND completed_at < $1 ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    )) as [unknown, number];
    return deleted;
  }

  /** A job's state (queued jobs may still be changed), or undefined when it is gone. */
  async stateOf(id: string, runner: JobQueueRunner = this.dataSource): Promise<JobState | undefined> {
    const rows: Array<{ state: JobState }> = await runner.query(`SELECT state FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0]?.state;
  }

  /** Replaces the items of a job not yet sent; false when it has been sent (or is gone) meanwhile. */
  async replaceQueuedItems(id: string, items: WpiItem[], runner: JobQueueRunner = this.dataSource): Promise<boolean> {
    const [, count] = (await runner.query(`UPDATE ${this.table} SET items = $2::jsonb WHERE id = $1 AND state = 'queued'`, [id, JSON.stringify(items)])) as [unknown, number];
    return count > 0;
  }

  /** Drops a job not yet sent; false when it has been sent (or is gone) meanwhile. */
  async dropQueued(id: string, runner: JobQueueRunner = this.dataSource): Promise<boolean> {
    const [, count] = (await runner.query(`DELETE FROM ${this.table} WHERE id = $1 AND state = 'queued'`, [id])) as [unknown, number];
    return count > 0;
  }

  /** The phone's jobs, newest first, at most `limit`. */
  async latest(mac: string, limit: number): Promise<QueuedJob[]> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE mac = $1 ORDER BY id DESC LIMIT $2`, [mac, limit]);
    return rows.map(toJob);
  }

  /**
   * Jobs (any state) whose items hold a secret value in clear — queued by a version that did not
   * seal them — after `afterId`, in id order. `names` and `pattern` (case-insensitive) say
   * which items are secret.
   */
  async withClearSecrets(secret: { names: readonly string[]; pattern: string }, afterId: string, limit: number): Promise<Array<{ id: string; items: WpiItem[] }>> {
    const rows: Array<{ id: string; items: WpiItem[] }> = await this.dataSource.query(
      `SELECT id, items FROM ${this.table} t
       WHERE id > $3 AND EXISTS (
         SELECT 1 FROM jsonb_array_elements(t.items) e
         WHERE (e->>'name' = ANY($1) OR e->>'name' ~* $2) AND e->>'value' <> '' AND e->>'value' NOT LIKE 'enc:v1:%')
       ORDER BY id LIMIT $4`,
      [secret.names, secret.pattern, afterId, limit],
    );
    return rows.map((r) => ({ id: String(r.id), items: r.items }));
  }

  /** Replaces a job's items whatever its state, unless they changed since they were read as `before`. */
  async replaceItemsIfUnchanged(id: string, before: WpiItem[], after: WpiItem[]): Promise<boolean> {
    const [, count] = (await this.dataSource.query(`UPDATE ${this.table} SET items = $3::jsonb WHERE id = $1 AND items = $2::jsonb`, [
      id,
      JSON.stringify(before),
      JSON.stringify(after),
    ])) as [unknown, number];
    return count > 0;
  }

  async find(id: string): Promise<QueuedJob | null> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Phones with queued jobs, and how many each. */
  async queuedCounts(): Promise<Array<{ mac: string; queued: number }>> {
    const rows: Array<{ mac: string; n: string }> = await this.dataSource.query(
      `SELECT mac, count(*) AS n FROM ${this.table} WHERE state = 'queued' GROUP BY mac`,
    );
    return rows.map((r) => ({ mac: r.mac, queued: Number(r.n) }));
  }

  async countQueued(mac: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(`SELECT count(*) AS n FROM ${this.table} WHERE mac = $1 AND state = 'queued'`, [mac]);
    return Number(rows[0]?.n ?? 0);
  }
}

const COLUMNS = 'id, mac, action, items, state, created_at, sent_at, sent_in_contact, sent_in_interaction, outcome, item_results, completed_at, busy_count, last_busy_contact, request_id, items_done, part_size';

/**
 * A row of a job table as `SELECT ${COLUMNS}` returns it (node-postgres types: bigint as a
 * string, jsonb parsed, timestamptz as Date). `action` and `state` hold only what this class
 * writes (enqueue checks the action).
 */
interface JobRow {
  id: string;
  mac: string;
  action: WpiAction;
  items: WpiItem[];
  state: JobState;
  created_at: Date;
  sent_at: Date | null;
  sent_in_contact: string | null;
  sent_in_interaction: string | null;
  outcome: JobOutcome | null;
  item_results: WpiItem[] | null;
  completed_at: Date | null;
  busy_count: number;
  last_busy_contact: string | null;
  request_id: string | null;
  items_done: number;
  part_size: number;
}

function toJob(row: JobRow): QueuedJob {
  return {
    id: String(row.id),
    mac: row.mac,
    action: row.action,
    items: row.items,
    state: row.state,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    sentInContact: row.sent_in_contact,
    sentInInteraction: row.sent_in_interaction,
    outcome: row.outcome,
    itemResults: row.item_results,
    completedAt: row.completed_at,
    busyCount: row.busy_count,
    lastBusyContact: row.last_busy_contact,
    requestId: row.request_id,
    itemsDone: row.items_done,
    partSize: row.part_size,
  };
}
