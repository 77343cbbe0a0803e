import { Injectable } from '@nestjs/common';
import { SecretBox } from '@workpoint/contact-pipeline';
import { MASK, maskSecretItems } from '@workpoint/logging';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { DesiredStateStore, type ManagedPhone } from '../desired-state/desired-state.store';
import { parseItemKey } from '../profiles/item-key';
import { numericCursor } from './access';
import type { PhoneListQueryT } from './api-schemas';
import { ConfigurationError } from './configuration.error';
import { csvField } from './csv-field';
import { ManagedPhoneRepository, type PhoneSummaryRow } from './managed-phone.repository';
import { PhoneHistoryRepository } from './phone-history.repository';
import { presentItems } from './profile-items';
import { effectiveView, writesView } from './views';

/** The export's header; `mac`, `e164`, `model`, `site`, `tags` and `user` are also import columns. */
const EXPORT_COLUMNS = ['mac', 'e164', 'model', 'software_version', 'site', 'tags', 'user', 'profiles', 'last_contact_at', 'drift_count', 'fault_count', 'write_pending'];

/** `q` as the search text holds it: MAC digits without separators, upper-case; LIKE wildcards dropped. */
const searchText = (q: string) => q.replace(/[:.\-%_\\]/g, '').toUpperCase();

const cursorOf = (mac: string) => Buffer.from(mac).toString('base64url');
const macOfCursor = (cursor: string | undefined) => {
  if (!cursor) return null;
  const mac = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(mac)) throw new ConfigurationError('invalid-request', 'cursor is not one this API handed out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  return mac;
};

/** A phone as a list shows it (the list reads only these columns: `PhoneSummaryRow`). */
export function summaryOf(r: PhoneSummaryRow) {
  return {
    mac: r.mac,
    e164: r.e164 ?? r.reportedE164,
    model: r.deviceType ?? r.model,
    softwareVersion: r.softwareVersion,
    site: r.site,
    tags: r.tags,
    user: r.userName,
    profiles: r.profiles,
    lastContactAt: r.lastContactAt ? r.lastContactAt.toISOString() : null,
    driftCount: r.driftCount,
    faultCount: r.faultCount,
    writePending: r.syncJobId !== null,
  };
}

/** The summary's columns of a phone already read in full (its detail starts with the summary). */
function summaryRowOf(p: ManagedPhone): PhoneSummaryRow {
  const { e164, model, site, tags, userName, profiles } = p.assignment;
  const { mac, deviceType, softwareVersion, reportedE164, driftCount, faultCount, syncJobId } = p;
  return { mac, e164, model, site, tags, userName, profiles, deviceType, softwareVersion, reportedE164, driftCount, faultCount, syncJobId, lastContactAt: p.lastContactAt === null ? null : new Date(p.lastContactAt) };
}

export function assignmentView(p: ManagedPhone) {
  const a = p.assignment;
  return { mac: p.mac, e164: a.e164, model: a.model, site: a.site, tags: a.tags, user: a.userName, profiles: a.profiles, overrides: presentItems(a.overrides), version: a.version, assignedAt: a.assignedAt };
}

/** Phones as operators read them: lists, one phone in full, history, jobs, fleet-wide drift and tags. */
@Injectable()
export class PhoneService {
  constructor(
    private readonly phones: ManagedPhoneRepository,
    private readonly historyEntries: PhoneHistoryRepository,
    private readonly store: DesiredStateStore,
    private readonly sync: ConfigurationSync,
  ) {}

  async list(q: PhoneListQueryT) {
    const rows = await this.phones.page({
      model: q.model,
      softwareVersion: q.softwareVersion,
      site: q.site,
      tag: q.tag,
      profile: q.profile,
      contactedSince: q.contactedSince,
      contactedBefore: q.contactedBefore,
      hasFaults: q.hasFaults,
      hasDrift: q.hasDrift,
      search: q.q ? searchText(q.q) : undefined,
      afterMac: macOfCursor(q.cursor),
      limit: q.limit + 1,
    });
    const phones = rows.slice(0, q.limit).map(summaryOf);
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
    if (!phone) throw new ConfigurationError('phone-not-found', `no phone ${mac}`);
    return phone;
  }

  async detail(mac: string) {
    // Two independent reads on two pooled connections: one round trip of waiting instead of two.
    const [phone, desired] = await Promise.all([this.phone(mac), this.store.desired()]);
    const { effective, plan } = this.sync.plan(phone, desired);
    return {
      ...summaryOf(summaryRowOf(phone)),
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
    const rows = await this.historyEntries.page(mac, numericCursor(page.cursor), page.limit + 1);
    const entries = rows.slice(0, page.limit).map((r) => ({ id: r.id, at: r.at.toISOString(), kind: r.kind, detail: r.detail }));
    return { entries, nextCursor: rows.length > page.limit ? entries[entries.length - 1]!.id : null };
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

  async driftSummary() {
    const totals = await this.phones.fleetTotals();
    const items = await this.phones.driftingItems();
    const faults = await this.phones.faultedItems();
    return { phones: totals.phones, phonesWithDrift: totals.drift, phonesWithFaults: totals.faults, writesPending: totals.pending, items, faults };
  }

  async tags() {
    return { tags: await this.phones.tags() };
  }


}


/** Faults as the API shows them: without the fingerprint of the refused value (internal). */
export const faultsView = (phone: ManagedPhone) => Object.values(phone.state.faults).map((f) => itemWith(f, { status: f.status, value: f.value, at: f.at }));
