import { JobQueue } from '@workpoint/jobs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ProfileLayer } from '../profiles';
import { CONFIGURATION_JOB_TABLE } from '../configuration.job-table';
import type { DriftEntry, PhoneConfigState } from './delivery-plan';
import type { PhoneAssignment, StoredItem, StoredProfile } from './stored-profile';

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

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

export function toManagedPhone(r: Record<string, unknown>): ManagedPhone {
  return {
    mac: r['mac'] as string,
    assignment: {
      mac: r['mac'] as string,
      e164: (r['e164'] as string | null) ?? null,
      model: (r['model'] as string | null) ?? null,
      site: (r['site'] as string | null) ?? null,
      tags: (r['tags'] as string[]) ?? [],
      userName: (r['user_name'] as string | null) ?? null,
      profiles: (r['profiles'] as string[]) ?? [],
      overrides: (r['overrides'] as StoredItem[]) ?? [],
      version: Number(r['assignment_version'] ?? 0),
      assignedAt: iso(r['assigned_at']),
    },
    deviceType: (r['device_type'] as string | null) ?? null,
    softwareVersion: (r['software_version'] as string | null) ?? null,
    reportedE164: (r['reported_e164'] as string | null) ?? null,
    state: {
      observed: (r['observed'] as PhoneConfigState['observed']) ?? {},
      applied: (r['applied'] as PhoneConfigState['applied']) ?? {},
      faults: (r['faults'] as PhoneConfigState['faults']) ?? {},
    },
    drift: (r['drift'] as DriftEntry[]) ?? [],
    driftCount: Number(r['drift_count'] ?? 0),
    faultCount: Number(r['fault_count'] ?? 0),
    firstSeenAt: iso(r['first_seen_at']),
    lastContactAt: iso(r['last_contact_at']),
    lastFullReportAt: iso(r['last_full_report_at']),
    syncJobId: r['sync_job_id'] === null || r['sync_job_id'] === undefined ? null : String(r['sync_job_id']),
  };
}

export function toStoredProfile(r: Record<string, unknown>): StoredProfile {
  return {
    id: r['id'] as string,
    name: r['name'] as string,
    description: (r['description'] as string | null) ?? null,
    layer: r['layer'] as ProfileLayer,
    selector: (r['selector'] as string | null) ?? null,
    priority: Number(r['priority']),
    extends: (r['extends'] as string[]) ?? [],
    mergeIndexedGroups: Boolean(r['merge_indexed_groups']),
    items: r['items'] as StoredItem[],
    version: Number(r['version']),
    createdAt: iso(r['created_at'])!,
    updatedAt: iso(r['updated_at'])!,
    updatedBy: r['updated_by'] as string,
  };
}

export interface DesiredSnapshot {
  profiles: StoredProfile[];
  sites: Map<string, Record<string, string>>;
}

/**
 * PostgreSQL access for the desired state. Profiles and sites are few and read on every
 * contact, so they are cached and reloaded when a cheap fingerprint query (counts and latest
 * change) says another instance or the API changed them.
 */
export class DesiredStateStore {
  private snapshot?: { mark: string; value: DesiredSnapshot };
  /** The configuration job table, where each phone's sync job waits (operations take the caller's transaction). */
  readonly jobs: JobQueue;

  constructor(readonly dataSource: DataSource) {
    this.jobs = new JobQueue(dataSource, CONFIGURATION_JOB_TABLE);
  }

  /** `runner`: the caller's transaction when it holds one (no second connection from the pool while it waits). */
  async desired(runner: Pick<DataSource | EntityManager, 'query'> = this.dataSource): Promise<DesiredSnapshot> {
    const [row] = (await runner.query(
      `SELECT (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(version), 0) FROM profile) || '/' ||
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM site) AS mark`,
    )) as { mark: string }[];
    const mark = row?.mark ?? '';
    if (this.snapshot?.mark === mark) return this.snapshot.value;
    const profiles = ((await runner.query('SELECT * FROM profile ORDER BY name')) as Record<string, unknown>[]).map(toStoredProfile);
    const sites = new Map(((await runner.query('SELECT name, fields FROM site')) as { name: string; fields: Record<string, string> }[]).map((s) => [s.name, s.fields]));
    const value = { profiles, sites };
    this.snapshot = { mark, value };
    return value;
  }

  async findPhone(mac: string): Promise<ManagedPhone | undefined> {
    const [row] = (await this.dataSource.query('SELECT * FROM managed_phone WHERE mac = $1', [mac])) as Record<string, unknown>[];
    return row ? toManagedPhone(row) : undefined;
  }

  /**
   * Runs `work` with the phone's row locked (created first when the phone is new to
   * configuration; `created` says so). One query for a new phone, two for a known one.
   */
  async withPhoneLocked<T>(mac: string, work: (phone: ManagedPhone, tx: EntityManager, created: boolean) => Promise<T>, within?: EntityManager): Promise<T> {
    // In the caller's transaction when given one (a job's completion), else in one of its own.
    const run = <R>(body: (tx: EntityManager) => Promise<R>): Promise<R> => (within ? body(within) : this.dataSource.transaction(body));
    return run(async (tx) => {
      const [inserted] = (await tx.query('INSERT INTO managed_phone (mac, updated_at) VALUES ($1, now()) ON CONFLICT (mac) DO NOTHING RETURNING *', [mac])) as Record<string, unknown>[];
      if (inserted) return work(toManagedPhone(inserted), tx, true);
      const [row] = (await tx.query('SELECT * FROM managed_phone WHERE mac = $1 FOR UPDATE', [mac])) as Record<string, unknown>[];
      return work(toManagedPhone(row!), tx, false);
    });
  }

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
    const rows = (await tx.query(`SELECT 1 FROM phone_history WHERE mac = $1 AND kind = 'report' AND detail->>'contactId' = $2 LIMIT 1`, [mac, contactId])) as unknown[];
    return rows.length > 0;
  }
}
