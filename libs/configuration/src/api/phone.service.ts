import { randomUUID } from 'node:crypto';
import { ConfigurationJobRequestedTopic, type JobRequested } from '@workpoint/contracts';
import { HttpError, type Principal } from '@workpoint/http-api';
import { MASK, maskSecretItems } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import type { DataSource, EntityManager } from 'typeorm';
import { PHONE_SEARCH_TEXT } from '../migrations/1764115200012-configuration-phone-search';
import type { ConfigurationSync } from '../desired-state/configuration-sync';
import { type DesiredStateStore, type ManagedPhone, toManagedPhone } from '../desired-state/desired-state.store';
import { parseItemKey } from '../profiles/item-key';
import { checkProfile } from '../desired-state/profile-rules';
import { SecretBox } from '@workpoint/contact-pipeline';
import type { StoredItem } from '../desired-state/stored-profile';
import { actorOf, type AuditLog, numericCursor } from './access';
import type { PhoneListQueryT } from './api-schemas';
import type { ChangeFanout } from './change-fanout';
import { csvField } from './csv-field';
import { draftItems, keptSecrets, presentItems, storeItems, type ItemInput } from './profile-items';
import { PROFILE_WRITES_LOCK } from './profile.service';
import { effectiveView, writesView } from './views';

/** The restart that resets a phone to factory defaults (protocol.md §6.3; the guide's default password). */
const FACTORY_RESET: WpiItem[] = [
  { name: 'restart-type', value: 'FactoryReset' },
  { name: 'restart-password', value: '124816' },
];

/** What a list shows of a phone: not the reported items, drift or faults (kilobytes per phone). */
const SUMMARY_COLUMNS = [
  'mac', 'e164', 'model', 'site', 'tags', 'user_name', 'profiles', 'assignment_version', 'assigned_at', 'device_type',
  'software_version', 'reported_e164', 'drift_count', 'fault_count', 'first_seen_at', 'last_contact_at', 'last_full_report_at', 'sync_job_id',
].join(', ');

/** The export's header; `mac`, `e164`, `model`, `site`, `tags` and `user` are also import columns. */
const EXPORT_COLUMNS = ['mac', 'e164', 'model', 'software_version', 'site', 'tags', 'user', 'profiles', 'last_contact_at', 'drift_count', 'fault_count', 'write_pending'];

/** `q` as the search text holds it: MAC digits without separators, upper-case; LIKE wildcards dropped. */
const searchText = (q: string) => q.replace(/[:.\-%_\\]/g, '').toUpperCase();

const cursorOf = (mac: string) => Buffer.from(mac).toString('base64url');
const macOfCursor = (cursor: string | undefined) => {
  if (!cursor) return null;
  const mac = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(mac)) throw new HttpError(400, 'invalid-request', 'cursor is not one this API handed out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  return mac;
};

export function summaryOf(p: ManagedPhone) {
  return {
    mac: p.mac,
    e164: p.assignment.e164 ?? p.reportedE164,
    model: p.deviceType ?? p.assignment.model,
    softwareVersion: p.softwareVersion,
    site: p.assignment.site,
    tags: p.assignment.tags,
    user: p.assignment.userName,
    profiles: p.assignment.profiles,
    lastContactAt: p.lastContactAt,
    driftCount: p.driftCount,
    faultCount: p.faultCount,
    writePending: p.syncJobId !== null,
  };
}

export function assignmentView(p: ManagedPhone) {
  const a = p.assignment;
  return { mac: p.mac, e164: a.e164, model: a.model, site: a.site, tags: a.tags, user: a.userName, profiles: a.profiles, overrides: presentItems(a.overrides), version: a.version, assignedAt: a.assignedAt };
}

export interface AssignmentChange {
  e164?: string | null | undefined;
  model?: string | null | undefined;
  site?: string | null | undefined;
  tags?: string[] | undefined;
  user?: string | null | undefined;
  profiles?: string[] | undefined;
  overrides?: ItemInput[] | undefined;
  version?: number | undefined;
}

/** Phones: lists, one phone in full, assignments, jobs, faults, fleet-wide drift. */
export class PhoneService {
  constructor(
    private readonly db: DataSource,
    private readonly store: DesiredStateStore,
    private readonly sync: ConfigurationSync,
    private readonly box: SecretBox,
    private readonly bus: Bus,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
  ) {}

  async list(q: PhoneListQueryT) {
    const rows = (await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM managed_phone WHERE
         ($1::text IS NULL OR coalesce(device_type, model) = $1)
         AND ($2::text IS NULL OR software_version = $2)
         AND ($3::text IS NULL OR site = $3)
         AND ($4::text IS NULL OR $4 = ANY(tags))
         AND ($5::text IS NULL OR $5 = ANY(profiles))
         AND ($6::timestamptz IS NULL OR last_contact_at >= $6)
         AND ($7::timestamptz IS NULL OR last_contact_at < $7)
         AND ($8::boolean IS NULL OR (fault_count > 0) = $8)
         AND ($9::boolean IS NULL OR (drift_count > 0) = $9)
         AND ($10::text IS NULL OR ${PHONE_SEARCH_TEXT} LIKE $10)
         AND ($11::text IS NULL OR mac > $11)
       ORDER BY mac LIMIT $12`,
      [
        q.model ?? null,
        q.softwareVersion ?? null,
        q.site ?? null,
        q.tag ?? null,
        q.profile ?? null,
        q.contactedSince ?? null,
        q.contactedBefore ?? null,
        q.hasFaults ?? null,
        q.hasDrift ?? null,
        q.q ? `%${searchText(q.q)}%` : null,
        macOfCursor(q.cursor),
        q.limit + 1,
      ],
    )) as Record<string, unknown>[];
    const phones = rows.slice(0, q.limit).map((r) => summaryOf(toManagedPhone(r)));
    return { phones, nextCursor: rows.length > q.limit ? cursorOf(phones[phones.length - 1]!.mac) : null };
  }

  /** The list as CSV, page by page (constant memory for any fleet size). */
  async *exportCsv(q: PhoneListQueryT): AsyncGenerator<string> {
    yield EXPORT_COLUMNS.map(csvField).join(',') + '\r\n';
    let cursor = q.cursor;
    for (;;) {
      const page = await this.list({ ...q, cursor, limit: 1000 });
      yield page.phones
        .map((p) => [p.mac, p.e164, p.model, p.softwareVersion, p.site, p.tags.join('|'), p.user, p.profiles.join('|'), p.lastContactAt, p.driftCount, p.faultCount, p.writePending].map(csvField).join(',') + '\r\n')
        .join('');
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async phone(mac: string): Promise<ManagedPhone> {
    const phone = await this.store.findPhone(mac);
    if (!phone) throw new HttpError(404, 'phone-not-found', `no phone ${mac}`);
    return phone;
  }

  async detail(mac: string) {
    const phone = await this.phone(mac);
    const { effective, plan } = this.sync.plan(phone, await this.store.desired());
    return {
      ...summaryOf(phone),
      assignment: assignmentView(phone),
      reportedE164: phone.reportedE164,
      firstSeenAt: phone.firstSeenAt,
      lastFullReportAt: phone.lastFullReportAt,
      reported: Object.entries(phone.state.observed)
        .map(([key, value]) => ({ ...parseItemKey(key), value }))
        .sort((a, b) => a.name.localeCompare(b.name) || (a.index ?? -1) - (b.index ?? -1)),
      effective: effectiveView(effective),
      pendingWrites: writesView(plan?.write ?? []),
      drift: phone.drift,
      faults: faultsView(phone),
    };
  }

  async history(mac: string, page: { cursor?: string | undefined; limit: number }) {
    await this.phone(mac);
    const rows = (await this.db.query('SELECT * FROM phone_history WHERE mac = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3', [
      mac,
      numericCursor(page.cursor),
      page.limit + 1,
    ])) as { id: string; at: Date; kind: string; detail: unknown }[];
    const entries = rows.slice(0, page.limit).map((r) => ({ id: String(r.id), at: r.at.toISOString(), kind: r.kind, detail: r.detail }));
    return { entries, nextCursor: rows.length > page.limit ? entries[entries.length - 1]!.id : null };
  }

  /** Sets a phone's assignment (creating the phone's entry when it is new); only the fields given change. */
  async assign(mac: string, change: AssignmentChange, by: Principal, requestId: string) {
    const saved = await this.store.withPhoneLocked(mac, async (before, tx) => {
      await this.assertProfilesExist(tx, change.profiles ?? []);
      if (change.version !== undefined && change.version !== before.assignment.version) {
        throw new HttpError(409, 'version-conflict', `the assignment was changed meanwhile (now version ${before.assignment.version})`, { currentVersion: before.assignment.version });
      }
      if (change.overrides) checkOverrides(change.overrides, before.assignment.overrides);
      const overrides = change.overrides ? storeItems(change.overrides, before.assignment.overrides, this.box) : before.assignment.overrides;
      const [[after]] = (await tx.query(
        `UPDATE managed_phone SET e164 = $2, model = $3, site = $4, tags = $5, user_name = $6, profiles = $7, overrides = $8,
           assignment_version = assignment_version + 1, assigned_at = now(), updated_at = now() WHERE mac = $1 RETURNING *`,
        [
          mac,
          pick(change.e164, before.assignment.e164),
          pick(change.model, before.assignment.model),
          pick(change.site, before.assignment.site),
          change.tags ?? before.assignment.tags,
          pick(change.user, before.assignment.userName),
          change.profiles ?? before.assignment.profiles,
          JSON.stringify(overrides),
        ],
      )) as [Record<string, unknown>[], number];
      const updated = toManagedPhone(after!);
      await this.audit.record(tx, by, 'assignment.update', 'phone', mac, assignmentView(before), assignmentView(updated), requestId);
      // The re-plan is recorded with the change (ChangeFanout).
      await this.fanout.start({ kind: 'macs', macs: [mac] }, `assignment of ${mac} changed`, tx);
      return updated;
    });
    return assignmentView(saved);
  }

  /** Adds (or removes) a phone-layer profile on many phones at once. */
  async assignProfile(profile: string, given: string[], add: boolean, by: Principal, requestId: string) {
    // One MAC given twice (in two notations, say) is one phone.
    const macs = [...new Set(given)];
    const { changed, affected } = await this.db.transaction(async (tx) => {
      await this.assertProfilesExist(tx, [profile]);
      if (add) await tx.query('INSERT INTO managed_phone (mac, updated_at) SELECT m, now() FROM unnest($1::varchar[]) AS m ON CONFLICT (mac) DO NOTHING', [macs]);
      const [rows] = (await tx.query(
        `UPDATE managed_phone SET profiles = ${add ? 'array_append(profiles, $2)' : 'array_remove(profiles, $2)'},
           assignment_version = assignment_version + 1, assigned_at = now(), updated_at = now()
         WHERE mac = ANY($1) AND ${add ? 'NOT' : ''} ($2 = ANY(profiles)) RETURNING mac`,
        [macs, profile],
      )) as [{ mac: string }[], number];
      const changedMacs = rows.map((r) => r.mac);
      await this.audit.recordMany(tx, by, add ? 'assignment.add-profile' : 'assignment.remove-profile', 'phone', changedMacs.map((m) => ({ id: m, before: null, after: { profile } })), requestId);
      return { changed: changedMacs, affected: await this.fanout.start({ kind: 'macs', macs: changedMacs }, `profile ${profile} ${add ? 'assigned' : 'unassigned'}`, tx) };
    });
    return { changed: changed.length, unchanged: macs.length - changed.length, affectedPhones: affected };
  }

  /** An operator job: rides the job queue (and its contact-me) like any other job command. */
  async requestJob(mac: string, input: { type: 'read-items' | 'write-items' | 'restart' | 'factory-reset'; items?: { name: string; index?: number | undefined; value?: string | null | undefined }[] | undefined }, by: Principal) {
    const items: WpiItem[] = (input.items ?? []).map((i) => itemWith(i, { value: i.value ?? null }));
    const action = ({ 'read-items': 'ReadItems', 'write-items': 'WriteItems', restart: 'Restart', 'factory-reset': 'Restart' } as const)[input.type];
    if ((input.type === 'read-items' || input.type === 'write-items') && items.length === 0) {
      throw new HttpError(400, 'invalid-request', `${input.type} needs items`, [{ path: 'body.items', message: 'at least one item' }]);
    }
    await this.phone(mac);
    const command: JobRequested = {
      requestId: randomUUID(),
      mac,
      action,
      // Sealed before they leave: the topic keeps what it carries, secrets included.
      items: this.sync.conceal(input.type === 'factory-reset' ? FACTORY_RESET : input.type === 'restart' ? [] : items),
      contactMe: true,
      requestedBy: `api:${actorOf(by)}`.slice(0, 128),
    };
    await this.bus.publish(ConfigurationJobRequestedTopic, mac, command);
    await this.audit.record(this.db, by, `job.${input.type}`, 'phone', mac, null, { requestId: command.requestId, action, items: maskSecretItems(items) }, command.requestId);
    return { requestId: command.requestId, mac, action };
  }

  async jobs(mac: string) {
    const safe = (items: WpiItem[] | null) => maskSecretItems((items ?? []).map((i) => (SecretBox.isSealed(i.value) ? { ...i, value: MASK } : i)));
    return (await this.store.jobs.latest(mac, 100)).map((job) => ({
      id: job.id,
      requestId: job.requestId,
      action: job.action,
      state: job.state,
      outcome: job.outcome,
      items: safe(job.items),
      itemResults: safe(job.itemResults),
      busyCount: job.busyCount,
      createdAt: job.createdAt.toISOString(),
      completedAt: job.completedAt?.toISOString() ?? null,
    }));
  }

  /** Forget the phone's refusals, so the values are offered again at its next contact. */
  async clearFaults(mac: string, by: Principal, requestId: string) {
    const phone = await this.phone(mac);
    await this.db.query(`UPDATE managed_phone SET faults = '{}', fault_count = 0, updated_at = now() WHERE mac = $1`, [mac]);
    await this.audit.record(this.db, by, 'phone.clear-faults', 'phone', mac, { faults: faultsView(phone) }, { faults: [] }, requestId);
    return this.sync.resync(mac, `faults of ${mac} cleared`);
  }

  async driftSummary() {
    const [totals] = (await this.db.query(
      `SELECT count(*)::int AS phones, count(*) FILTER (WHERE drift_count > 0)::int AS drift, count(*) FILTER (WHERE fault_count > 0)::int AS faults,
              count(*) FILTER (WHERE sync_job_id IS NOT NULL)::int AS pending FROM managed_phone`,
    )) as { phones: number; drift: number; faults: number; pending: number }[];
    const items = (await this.db.query(
      `SELECT d->>'name' || coalesce('[' || (d->>'index') || ']', '') AS item, count(*)::int AS phones
       FROM managed_phone, jsonb_array_elements(drift) AS d WHERE drift_count > 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 100`,
    )) as { item: string; phones: number }[];
    const faults = (await this.db.query(
      `SELECT f.key AS item, f.value->>'status' AS status, count(*)::int AS phones
       FROM managed_phone, jsonb_each(faults) AS f WHERE fault_count > 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 100`,
    )) as { item: string; status: string; phones: number }[];
    return { phones: totals!.phones, phonesWithDrift: totals!.drift, phonesWithFaults: totals!.faults, writesPending: totals!.pending, items, faults };
  }

  async tags() {
    return { tags: (await this.db.query('SELECT t AS tag, count(*)::int AS phones FROM managed_phone, unnest(tags) AS t GROUP BY t ORDER BY t')) as { tag: string; phones: number }[] };
  }

  /** Checks under the profile writes lock (shared), held until `tx` ends: no profile named here is deleted before the commit. */
  private async assertProfilesExist(tx: EntityManager, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await tx.query(`SELECT pg_advisory_xact_lock_shared(${PROFILE_WRITES_LOCK})`);
    const found = new Set(((await tx.query('SELECT name FROM profile WHERE name = ANY($1)', [names])) as { name: string }[]).map((r) => r.name));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length > 0) throw new HttpError(422, 'unknown-profile', `no profile named ${missing.map((m) => `"${m}"`).join(', ')}`, missing.map((m) => ({ path: 'body.profiles', message: `unknown profile "${m}"` })));
  }
}

const pick = <T>(given: T | undefined, current: T) => (given === undefined ? current : given);

/** The phone's own values pass the same checks as a profile's items: one bad override would stop every write to the phone. */
function checkOverrides(overrides: readonly ItemInput[], previous: readonly StoredItem[]): void {
  const { errors } = checkProfile({ name: 'overrides', layer: 'phone', items: draftItems(overrides) }, new Map(), keptSecrets(previous));
  if (errors.length === 0) return;
  throw new HttpError(
    422,
    'invalid-overrides',
    `the overrides have ${errors.length} problem(s); nothing was saved`,
    errors.map((e) => ({ path: `body.overrides${e.path.slice('items'.length)}`, message: e.message })),
  );
}

/** Faults as the API shows them: without the fingerprint of the refused value (internal). */
const faultsView = (phone: ManagedPhone) => Object.values(phone.state.faults).map((f) => itemWith(f, { status: f.status, value: f.value, at: f.at }));
