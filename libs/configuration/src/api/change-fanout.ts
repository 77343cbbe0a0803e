import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { RelayLoop } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { classifyFailure } from '@workpoint/messaging';
import { DataSource, type EntityManager, IsNull, LessThan } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import type { StoredProfile } from '../desired-state/stored-profile';
import { ChangeFanoutEntity } from './change-fanout.entity';

/** Which phones a change may concern. */
export type ChangeScope = { kind: 'all' } | { kind: 'macs'; macs: string[] } | { kind: 'profile'; profile: Pick<StoredProfile, 'layer' | 'selector' | 'name'>; dependents: string[] } | { kind: 'site'; site: string };

/** Default of `DORMANT_AFTER_HOURS`. */
export const DEFAULT_DORMANT_AFTER_HOURS = 24;

/**
 * A **dormant** phone is left out of fleet-wide re-plans (scopes `all`, `site`, `profile`), so
 * MACs that made contact once and never again cost nothing there, however many a hostile
 * network invents. All of these hold:
 * 1. no assignment: the operator never assigned it anything (`assigned_at` is null);
 * 2. one interaction: every contact that reached configuration was in one interaction;
 * 3. it was asked to call back (a fleet-wide change gave it something to write) and has not
 *    been in touch since, for `DORMANT_AFTER_HOURS` (its last contact is older still).
 * Safe for real phones: a real phone answers a contact-me within minutes (or its next DCMP
 * poll sees the job), which is a second interaction; any phone the operator assigned is never
 * dormant; a per-phone change (scope `macs`: assignment, import, profile assignment) still
 * reaches it; and a dormant phone is planned again at its next contact, whatever the reason
 * (start-up after a power cut, local change), exactly like a phone that never made contact.
 * So a phone is only skipped after it ignored one call-back for a day, and each invented MAC
 * costs at most one re-plan with a contact-me, ever.
 */
const DORMANT = `(assigned_at IS NULL AND interactions <= 1 AND call_back_asked_at IS NOT NULL
  AND call_back_asked_at >= last_contact_at AND call_back_asked_at < $1)`;

/** Token of the fan-out's settings (`ChangeFanoutSettings`), given by OperatorApiModule. */
export const CHANGE_FANOUT_SETTINGS = Symbol('CHANGE_FANOUT_SETTINGS');

export interface ChangeFanoutSettings {
  /** `DORMANT_AFTER_HOURS` in ms; default 24 h. */
  dormantAfterMs?: number | undefined;
  /** Tests move time. */
  clock?: () => Date;
  /** Phones re-planned at once. */
  concurrency?: number;
  /** Phones per committed batch. */
  batchSize?: number;
}

/** Phones re-planned per batch: the progress committed at a time. */
const BATCH = 100;
/** How often the relay looks for fan-outs when nothing woke it (another instance's changes, one left by a restart). */
const POLL_MS = 1000;
/** Finished fan-outs are kept this long (for inspection), then deleted. */
const KEEP_DONE_MS = 24 * 3600_000;

/**
 * After a change of what phones should have, re-plans each phone it may concern (known
 * phones only — one that never made contact gets everything at its first start-up; dormant
 * one-off phones only when the change names them) and asks those with something to write to
 * call back; inventory paces the contact-me requests themselves.
 *
 * Durable: `start` records the change's scope as a `change_fanout` row (in the change's own
 * transaction when given one), and the relay drains the rows: one row at a time per instance,
 * taken with `FOR UPDATE SKIP LOCKED` (several instances safe), phones in MAC order in batches,
 * the cursor committed with each batch. A failure rolls the batch back and leaves the row for
 * the next pass; a restart resumes at the cursor. Only an error classified permanent (`kind:
 * 'permanent'`) skips its phone, which is planned again at its next contact anyway.
 */
@Injectable()
export class ChangeFanout implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: RelayLoop;
  private lastPurge = 0;
  private readonly dormantAfterMs: number;
  private readonly clock: () => Date;
  private readonly concurrency: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: DataSource,
    @Inject(ConfigurationSync) private readonly sync: Pick<ConfigurationSync, 'resync'>,
    private readonly logger: Logger,
    @Inject(CHANGE_FANOUT_SETTINGS) settings: ChangeFanoutSettings = {},
  ) {
    this.dormantAfterMs = settings.dormantAfterMs ?? DEFAULT_DORMANT_AFTER_HOURS * 3600_000;
    this.clock = settings.clock ?? (() => new Date());
    this.concurrency = settings.concurrency ?? 8;
    this.batchSize = settings.batchSize ?? BATCH;
    this.loop = new RelayLoop(() => this.drain(), (error) => this.logger.warn('re-planning after a change interrupted; it resumes on the next pass', { error: String(error) }), POLL_MS);
  }

  /** Every phone the change may concern, in MAC order. */
  async affected(scope: ChangeScope, db: DataSource | EntityManager = this.db): Promise<string[]> {
    return this.page(scope, null, null, db);
  }

  /**
   * Records the re-plan of the phones `scope` concerns, in `tx` (the change's transaction) when
   * given; resolves with their number. The relay re-plans them after the commit.
   */
  async start(scope: ChangeScope, cause: string, tx?: EntityManager): Promise<number> {
    // Counted in PostgreSQL: an import names up to all its lines, and the MACs themselves are not needed here.
    const phones = await this.count(scope, tx ?? this.db);
    if (phones === 0) return 0;
    await (tx ?? this.db.manager).getRepository(ChangeFanoutEntity).insert({ scope, cause: cause.slice(0, 300), cursor: null, phonesDone: 0, createdAt: this.clock(), doneAt: null });
    if (!tx) void this.loop.kick();
    return phones;
  }

  /** Drains every recorded fan-out (tests; a process without the relay's timer); returns at once once the relay stops. */
  async settled(): Promise<void> {
    while (!this.loop.isStopped && (await this.db.getRepository(ChangeFanoutEntity).existsBy({ doneAt: IsNull() }))) await this.loop.kick();
  }

  /** The relay is stopping (or stopped): it starts no further batch. */
  get stopped(): boolean {
    return this.loop.isStopped;
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Finishes the batch in progress (its cursor is committed) and starts no other: a restart resumes there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async drain(): Promise<void> {
    while (!this.loop.isStopped && (await this.db.transaction((tx) => this.batch(tx)))) {
      // One batch per transaction: its cursor commits with it.
    }
    if (Date.now() - this.lastPurge > 3600_000) {
      this.lastPurge = Date.now();
      await this.db.getRepository(ChangeFanoutEntity).delete({ doneAt: LessThan(new Date(Date.now() - KEEP_DONE_MS)) });
    }
  }

  /** Re-plans the next batch of the oldest fan-out no other instance holds; false when there is none. */
  private async batch(tx: EntityManager): Promise<boolean> {
    const repo = tx.getRepository(ChangeFanoutEntity);
    const row = await repo.createQueryBuilder('f').where({ doneAt: IsNull() }).orderBy('f.id').limit(1).setLock('pessimistic_write').setOnLocked('skip_locked').getOne();
    if (!row) return false;
    const { macs, cursor, done } = await this.nextBatch(row);
    const writes = await this.resyncAll(macs, row.cause);
    await repo.update({ id: row.id }, { cursor, phonesDone: row.phonesDone + macs.length, doneAt: done ? this.clock() : null });
    if (done) this.logger.info('phones re-planned after a change', { cause: row.cause, phones: row.phonesDone + macs.length });
    else this.logger.debug('re-planning after a change: batch done', { cause: row.cause, phones: macs.length, withWrites: writes });
    return true;
  }

  /**
   * The next batch of a fan-out and the cursor after it. A change that names its phones goes
   * through them in the order it named them (the cursor is the position in its list: an import
   * or a bulk assignment reaches its first phones first, as before); any other scope goes in
   * MAC order (the cursor is the last MAC done).
   */
  private async nextBatch(row: ChangeFanoutEntity): Promise<{ macs: string[]; cursor: string | null; done: boolean }> {
    if (row.scope.kind === 'macs') {
      const offset = Number(row.cursor ?? 0);
      const named = row.scope.macs.slice(offset, offset + this.batchSize);
      const macs = await this.page({ kind: 'macs', macs: named }, null, null, this.db);
      return { macs, cursor: String(offset + named.length), done: offset + named.length >= row.scope.macs.length };
    }
    const macs = await this.page(row.scope, row.cursor, this.batchSize, this.db);
    return { macs, cursor: macs.at(-1) ?? row.cursor, done: macs.length < this.batchSize };
  }

  /**
   * The phones `scope` concerns after `cursor`, in MAC order, at most `limit` (null: all). Hand
   * SQL: the dormant rule is one SQL expression shared by every scope, and each scope adds one
   * condition; the rows are one typed column.
   */
  private async page(scope: ChangeScope, cursor: string | null, limit: number | null, db: DataSource | EntityManager): Promise<string[]> {
    const { where, params } = this.concerned(scope);
    const n = params.length + 1;
    const rows = await db.query<{ mac: string }[]>(`SELECT mac FROM managed_phone WHERE ${where} AND ($${n}::varchar IS NULL OR mac > $${n}) ORDER BY mac LIMIT $${n + 1}`, [
      ...params,
      cursor,
      limit,
    ]);
    return rows.map((r) => r.mac);
  }

  /** How many phones `scope` concerns. */
  private async count(scope: ChangeScope, db: DataSource | EntityManager): Promise<number> {
    const { where, params } = this.concerned(scope);
    const [row] = await db.query<{ phones: number }[]>(`SELECT count(*)::int AS phones FROM managed_phone WHERE ${where}`, params);
    return row?.phones ?? 0;
  }

  /** The condition on `managed_phone` of the phones `scope` concerns, with its parameters ($1 is the dormancy cutoff). */
  private concerned(scope: ChangeScope): { where: string; params: unknown[] } {
    // Fleet-wide scopes skip dormant phones; a change that names phones reaches them all.
    const known = scope.kind === 'macs' ? 'last_contact_at IS NOT NULL AND $1::timestamptz IS NOT NULL' : `last_contact_at IS NOT NULL AND NOT ${DORMANT}`;
    const cutoff = new Date(this.clock().getTime() - this.dormantAfterMs);
    const phones = (sql: string, params: unknown[]) => ({ where: `${known} AND (${sql})`, params: [cutoff, ...params] });
    switch (scope.kind) {
      case 'all':
        return phones('true', []);
      case 'macs':
        return phones('mac = ANY($2)', [scope.macs]);
      case 'site':
        return phones('site = $2', [scope.site]);
      case 'profile': {
        // A profile reaches phones directly and through every profile that extends it.
        if (scope.dependents.length > 0 || scope.profile.layer === 'fleet') return phones('true', []);
        const { layer, selector, name } = scope.profile;
        if (layer === 'site') return phones('site = $2', [selector]);
        if (layer === 'model') return phones('coalesce(device_type, model) = $2', [selector]);
        if (layer === 'group') return phones('$2 = ANY(tags)', [selector]);
        return phones('$2 = ANY(profiles)', [name]);
      }
    }
  }

  /** Re-plans `macs`, a few at a time; any error but a permanent one fails the batch (it is taken again). */
  private async resyncAll(macs: string[], cause: string): Promise<number> {
    let next = 0;
    let writes = 0;
    let failedOnce = false;
    const worker = async () => {
      while (next < macs.length) {
        const mac = macs[next++]!;
        if (failedOnce) return;
        try {
          if ((await this.sync.resync(mac, cause)).pending) {
            writes++;
            await this.askedToCallBack(mac);
          }
        } catch (error) {
          if (classifyFailure(error) !== 'permanent') {
            failedOnce = true;
            throw error;
          }
          this.logger.error('re-planning a phone after a change failed for good; it is planned again at its next contact', { mac, cause, error });
        }
      }
    };
    // Every worker ends before the batch's transaction does; the first failure then fails the batch.
    const failed = (await Promise.allSettled(Array.from({ length: Math.min(this.concurrency, macs.length) }, worker))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return writes;
  }

  /** Notes the first call-back asked for since the phone's last contact (the clock of the dormant rule). */
  private async askedToCallBack(mac: string): Promise<void> {
    await this.db.query(
      'UPDATE managed_phone SET call_back_asked_at = $2 WHERE mac = $1 AND (call_back_asked_at IS NULL OR call_back_asked_at < last_contact_at)',
      [mac, this.clock()],
    );
  }
}
