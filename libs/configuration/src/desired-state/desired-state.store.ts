import { Injectable } from '@nestjs/common';
import { JobQueue } from '@workpoint/jobs';
import { DataSource, type EntityManager } from 'typeorm';
import { CONFIGURATION_JOB_TABLE } from '../configuration.job-table';
import type { DriftEntry, PhoneConfigState } from './delivery-plan';
import { ProfileEntity, SiteEntity } from './desired-state.entities';
import { MANAGED_PHONE_PROPERTIES, type ManagedPhoneReadRow, managedPhoneOf, managedPhoneSelect } from './managed-phone.row';
import { type PhoneAssignment, type StoredItem, type StoredProfile, storedProfileOf } from './stored-profile';

/** One phone as configuration management keeps it. */
export interface ManagedPhone {
  mac: string;
  assignment: PhoneAssignment & { assignedAt: string | null };
  deviceType: string | null;
  softwareVersion: string | null;
  reportedE164: string | null;
  state: PhoneConfigState;
  drift: DriftEntry[];
  driftCount: number;
  faultCount: number;
  firstSeenAt: string | null;
  lastContactAt: string | null;
  lastFullReportAt: string | null;
  syncJobId: string | null;
}

export interface PhoneStateUpdate {
  deviceType?: string | null;
  softwareVersion?: string | null;
  reportedE164?: string | null;
  state: PhoneConfigState;
  drift: DriftEntry[];
  contactAt?: Date;
  /** The interaction of the contact (counts the phone's interactions: see ChangeFanout's dormant rule). */
  interactionId?: string;
  fullReportAt?: Date;
  syncJobId: string | null;
  overrides?: StoredItem[];
}

export interface DesiredSnapshot {
  profiles: StoredProfile[];
  sites: Map<string, Record<string, string>>;
}

/** What `desired()` compares to know whether its cached snapshot is current. */
interface FingerprintRow {
  mark: string;
}

const PHONE_SELECT = managedPhoneSelect(MANAGED_PHONE_PROPERTIES);

/**
 * PostgreSQL access for the desired state: the repository of the contact path (the storm's hot
 * path: every contact locks its phone's row, reads it, writes its state and history). Profiles
 * and sites are few and read on every contact, so they are cached and reloaded when a cheap
 * fingerprint query (counts and latest change) says another instance or the API changed them.
 *
 * Rows are typed by the entities (desired-state.entities.ts). The reads and writes of one
 * contact are hand-written SQL because TypeORM's forms were measured slower (medians per call,
 * alternated in one process against PostgreSQL, 20,000 phones, on the shared 2-core machine):
 * locking and reading the phone row 680 µs by hand against 1,010 µs with the query builder's
 * getOne; the phone read 515 µs against 880 µs with findOneBy; a history entry 190 µs against
 * 325 µs (query builder insert) and 395 µs (repository insert); the redelivery check 650 µs
 * against 1,060 µs (getRawOne). The rare reads (profiles and sites after a change) go through
 * TypeORM.
 */
@Injectable()
export class DesiredStateStore {
  private snapshot?: { mark: string; value: DesiredSnapshot };
  /** The configuration job table, where each phone's sync job waits (operations take the caller's transaction). */
  readonly jobs: JobQueue;

  constructor(readonly dataSource: DataSource) {
    this.jobs = new JobQueue(dataSource, CONFIGURATION_JOB_TABLE);
  }

  /** `runner`: the caller's transaction when it holds one (no second connection from the pool while it waits). */
  async desired(runner: EntityManager = this.dataSource.manager): Promise<DesiredSnapshot> {
    // An aggregate over two tables in one round trip, read on every contact: no TypeORM form.
    const [row] = await runner.query<FingerprintRow[]>(
      `SELECT (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(version), 0) FROM profile) || '/' ||
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM site) AS mark`,
    );
    const mark = row?.mark ?? '';
    if (this.snapshot?.mark === mark) return this.snapshot.value;
    const profiles = (await runner.getRepository(ProfileEntity).find({ order: { name: 'ASC' } })).map(storedProfileOf);
    const sites = new Map((await runner.getRepository(SiteEntity).find({ select: { name: true, fields: true } })).map((s) => [s.name, s.fields]));
    const value = { profiles, sites };
    this.snapshot = { mark, value };
    return value;
  }

  /** The phone, or undefined when configuration does not know it. */
  async findPhone(mac: string): Promise<ManagedPhone | undefined> {
    const [row] = await this.dataSource.query<ManagedPhoneReadRow[]>(`SELECT ${PHONE_SELECT} FROM managed_phone WHERE mac = $1`, [mac]);
    return row ? managedPhoneOf(row) : undefined;
  }

  /**
   * Runs `work` with the phone's row locked (created first when the phone is new to
   * configuration; `created` says so). One query for a new phone, two for a known one.
   */
  async withPhoneLocked<T>(mac: string, work: (phone: ManagedPhone, tx: EntityManager, created: boolean) => Promise<T>, within?: EntityManager): Promise<T> {
    // In the caller's transaction when given one (a job's completion), else in one of its own.
    const run = <R>(body: (tx: EntityManager) => Promise<R>): Promise<R> => (within ? body(within) : this.dataSource.transaction(body));
    return run(async (tx) => {
      // INSERT … ON CONFLICT DO NOTHING RETURNING: TypeORM's orIgnore() insert would need a second query to read the row.
      const [inserted] = await tx.query<ManagedPhoneReadRow[]>(`INSERT INTO managed_phone (mac, updated_at) VALUES ($1, now()) ON CONFLICT (mac) DO NOTHING RETURNING ${PHONE_SELECT}`, [mac]);
      if (inserted) return work(managedPhoneOf(inserted), tx, true);
      const [row] = await tx.query<ManagedPhoneReadRow[]>(`SELECT ${PHONE_SELECT} FROM managed_phone WHERE mac = $1 FOR UPDATE`, [mac]);
      return work(managedPhoneOf(row!), tx, false);
    });
  }

  /** Writes what a contact learnt and decided; fields left out of `u` keep their value. One UPDATE whose CASEs have no TypeORM form. */
  async savePhoneState(tx: EntityManager, mac: string, u: PhoneStateUpdate): Promise<void> {
    await tx.query(
      `UPDATE managed_phone SET
         device_type = CASE WHEN $2::boolean THEN $3 ELSE device_type END,
         software_version = CASE WHEN $4::boolean THEN $5 ELSE software_version END,
         reported_e164 = CASE WHEN $6::boolean THEN $7 ELSE reported_e164 END,
         observed = $8, applied = $9, faults = $10, drift = $11, drift_count = $12, fault_count = $13,
         first_seen_at = CASE WHEN $14::timestamptz IS NULL THEN first_seen_at ELSE coalesce(first_seen_at, $14::timestamptz) END,
         last_contact_at = CASE WHEN $14::timestamptz IS NULL THEN last_contact_at ELSE greatest(last_contact_at, $14::timestamptz) END,
         last_full_report_at = coalesce($15::timestamptz, last_full_report_at),
         sync_job_id = $16,
         overrides = coalesce($17::jsonb, overrides),
         assignment_version = assignment_version + CASE WHEN $17::jsonb IS NULL THEN 0 ELSE 1 END,
         interactions = interactions + CASE WHEN $18::uuid IS NOT NULL AND last_interaction_id IS DISTINCT FROM $18::uuid THEN 1 ELSE 0 END,
         last_interaction_id = coalesce($18::uuid, last_interaction_id),
         call_back_asked_at = CASE WHEN $14::timestamptz IS NULL THEN call_back_asked_at ELSE NULL END,
         updated_at = now()
       WHERE mac = $1`,
      [
        mac,
        u.deviceType !== undefined, u.deviceType ?? null,
        u.softwareVersion !== undefined, u.softwareVersion ?? null,
        u.reportedE164 !== undefined, u.reportedE164 ?? null,
        JSON.stringify(u.state.observed), JSON.stringify(u.state.applied), JSON.stringify(u.state.faults), JSON.stringify(u.drift),
        u.drift.length, Object.keys(u.state.faults).length,
        u.contactAt ?? null, u.fullReportAt ?? null, u.syncJobId,
        u.overrides ? JSON.stringify(u.overrides) : null,
        u.interactionId ?? null,
      ],
    );
  }

  async addHistory(tx: EntityManager | DataSource, mac: string, kind: string, detail: object): Promise<void> {
    await tx.query('INSERT INTO phone_history (mac, at, kind, detail) VALUES ($1, now(), $2, $3)', [mac, kind, JSON.stringify(detail)]);
  }

  /** Whether this contact's report is in the phone's history already (the contact is a redelivery). */
  async reportTaken(tx: EntityManager, mac: string, contactId: string): Promise<boolean> {
    const rows = await tx.query<{ taken: number }[]>(`SELECT 1 AS taken FROM phone_history WHERE mac = $1 AND kind = 'report' AND detail->>'contactId' = $2 LIMIT 1`, [mac, contactId]);
    return rows.length > 0;
  }
}
