import { createHash, randomUUID } from 'node:crypto';
import { SecretBox } from '@workpoint/contact-pipeline';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { BusJobEvents, type JobEvents, type QueuedJob, relatedItemsTogether, SealedJobItems } from '@workpoint/jobs';
import {
  type ConfigApplied,
  ConfigAppliedTopic,
  type ContactEvent,
  deterministicEventId,
  DriftDetectedTopic,
  FaultRaisedTopic,
} from '@workpoint/contracts';
import { StoreMetrics } from '@workpoint/metrics';
import { isSecretItem, Logger, MASK, maskSecretItems } from '@workpoint/logging';
import { attachedItems, BASIC_ITEMS, itemRef, itemValue, itemWith, REASONS_WITH_BASIC_ITEMS, type WpiItem } from '@workpoint/wpi-codec';
import type { EntityManager } from 'typeorm';
import { effectiveConfiguration, type EffectiveResult } from '../profiles';
import {
  adoptLocalChanges,
  type DeliveryPlan,
  type DriftEntry,
  type FaultRecord,
  observeChanges,
  observeFullReport,
  type PhoneConfigState,
  planDelivery,
  recordWriteResult,
} from './delivery-plan';
import { type DesiredSnapshot, DesiredStateStore, type ManagedPhone } from './desired-state.store';
import { itemKey } from '../profiles/item-key';
import { phoneFacts, profilesForPhone } from './phone-profiles';
import { Outbox } from '@workpoint/database';
import type { StoredItem } from './stored-profile';

/** What a committed sync asks for: a new pending count; a sync job was queued (metrics). */
interface SyncEvents {
  pendingChanged: boolean;
  queued: boolean;
}

/** What a contact tells configuration management about a phone. */
interface Observation {
  at: Date;
  deviceType?: string | null;
  softwareVersion?: string | null;
  reportedE164?: string | null;
  full?: WpiItem[];
  changes?: WpiItem[];
  localChanges: boolean;
}

export interface SyncOutcome {
  mac: string;
  writes: number;
  drift: number;
  faults: number;
  /** A write job is queued (or out with the phone) for this phone. */
  pending: boolean;
}

const TEMPLATE_FAULT = 'template';

/**
 * Keeps each phone converging to its effective configuration:
 * - every contact that says something about the phone (basic items, a full item set, local or
 *   inventory changes) updates what is known of it; local changes of `adopt` items become the
 *   phone's overrides;
 * - then the phone's one **sync job** (a WriteItems of exactly the difference) is created,
 *   refreshed while still queued, or dropped when nothing differs — the job stage sends it;
 * - the phone's answer to a write records item by item what it took and what it refused
 *   (faults, not offered again until the wanted value changes);
 * - a change of profiles or assignments re-plans the affected phones and asks those with
 *   something to write to call back (contact-me, paced by inventory).
 * All of it under the phone's row lock, so a contact, a write answer and an operator change
 * never interleave for one phone.
 * In the job stage it is also the hook before each contact (onContact) and the sealing of job
 * items (conceal / reveal).
 */
@Injectable()
export class ConfigurationSync {
  /** Sealing of job items, shared with deployment's jobs (one rule for what is secret). */
  private readonly jobItems: SealedJobItems;

  constructor(
    @Inject(DesiredStateStore) private readonly store: DesiredStateStore,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(BusJobEvents) private readonly jobEvents: Pick<JobEvents, 'pendingChanged' | 'contactMe'>,
    @Inject(Logger) private readonly logger: Logger,
    @Optional() @Inject(StoreMetrics) private readonly metrics?: StoreMetrics,
  ) {
    this.jobItems = new SealedJobItems(box);
  }

  async onContact(contact: ContactEvent): Promise<void> {
    const seen = observationOf(contact);
    if (!seen) return;
    const desired = await this.store.desired();
    const outcome = await this.store.withPhoneLocked(contact.mac, async (phone, tx, created) => {
      // A redelivered report (after a crash or a rebalance) may come after the phone answered the
      // write it caused: taking it in again would put back what the phone had before the write.
      if (!created && (seen.full || seen.changes?.length) && (await this.store.reportTaken(tx, phone.mac, contact.contactId))) {
        return { result: { mac: phone.mac, writes: 0, drift: phone.driftCount, faults: phone.faultCount, pending: phone.syncJobId !== null }, events: { pendingChanged: false, queued: false } };
      }
      let state = phone.state;
      if (seen.full) state = observeFullReport(state, seen.full, this.fingerprint);
      if (seen.changes?.length) state = observeChanges(state, seen.changes, this.fingerprint);
      const known: ManagedPhone = {
        ...phone,
        deviceType: seen.deviceType !== undefined ? seen.deviceType : phone.deviceType,
        reportedE164: seen.reportedE164 !== undefined ? seen.reportedE164 : phone.reportedE164,
        state,
      };
      let overrides: StoredItem[] | undefined;
      if (seen.localChanges && seen.changes?.length) {
        const effective = this.effective(known, desired);
        const adopted = effective.ok ? adoptLocalChanges(effective.items, seen.changes) : [];
        if (adopted.length > 0) {
          overrides = mergeOverrides(phone.assignment.overrides, adopted);
          known.assignment = { ...known.assignment, overrides };
          await this.store.addHistory(tx, phone.mac, 'adopted', { items: adopted });
          const adoptedDrift = adopted.map((a) => ({ ...a, reported: a.value, desired: a.value, policy: 'adopt' as const, source: 'phone overrides' }));
          await this.addDrift(tx, phone.mac, adoptedDrift, 'adopted', contact.contactId);
          this.logger.info('local changes adopted as the phone\'s overrides', { mac: phone.mac, items: adopted.map(itemKey) });
        }
      }
      if (seen.full) await this.store.addHistory(tx, phone.mac, 'report', { kind: 'full', items: seen.full.length, contactId: contact.contactId });
      else if (seen.changes?.length) await this.store.addHistory(tx, phone.mac, 'report', { kind: seen.localChanges ? 'local-changes' : 'inventory-changes', items: maskSecretItems(seen.changes), contactId: contact.contactId });
      return this.reconcile(tx, known, desired, {
        ...(seen.deviceType !== undefined ? { deviceType: seen.deviceType } : {}),
        ...(seen.softwareVersion !== undefined ? { softwareVersion: seen.softwareVersion } : {}),
        ...(seen.reportedE164 !== undefined ? { reportedE164: seen.reportedE164 } : {}),
        contactAt: seen.at,
        interactionId: contact.interactionId,
        ...(seen.full ? { fullReportAt: seen.at } : {}),
        ...(overrides ? { overrides } : {}),
        cause: contact.contactId,
      });
    });
    await this.announce(outcome.result, outcome.events, false);
  }

  /** Re-plans one phone after a change of what it should have; asks it to call back when something is to be written. */
  async resync(mac: string, cause: string, contactMe = true): Promise<SyncOutcome> {
    const desired = await this.store.desired();
    const outcome = await this.store.withPhoneLocked(mac, (phone, tx) => this.reconcile(tx, phone, desired, { cause }));
    await this.announce(outcome.result, outcome.events, contactMe);
    return outcome.result;
  }

  /**
   * The phone answered a WriteItems: what it took becomes what it has, what it refused a fault.
   * Runs in the transaction that completes the job (so its ConfigApplied cannot be lost between
   * two commits); returns what to do after that transaction committed.
   */
  async onWriteAnswered(job: QueuedJob, within: EntityManager): Promise<() => Promise<void>> {
    if (job.action !== 'WriteItems' || !job.outcome) return async () => undefined;
    const items = this.reveal(job.items);
    // A job sent in parts and failed: the parts before the failed one were accepted, those after it never sent
    // (a job failed before anything was sent, e.g. too large for the phone, fails as a whole).
    const failedFrom = job.outcome === 'failed' ? job.itemsDone : items.length;
    const failedTo = job.outcome === 'failed' && job.partSize > 0 ? job.itemsDone + job.partSize : items.length;
    const written = items.slice(0, failedTo);
    const flagged = job.itemResults ?? [];
    const desired = await this.store.desired(within);
    const outcome = await this.store.withPhoneLocked(job.mac, async (phone, tx) => {
      const at = new Date(job.completedAt ?? Date.now());
      const taken = recordWriteResult(phone.state, written.slice(0, failedFrom), flagged, 'accepted', this.fingerprint, at);
      const failed = recordWriteResult(taken.state, written.slice(failedFrom), flagged, 'failed', this.fingerprint, at);
      const state = failed.state;
      const refused = [...taken.refused, ...failed.refused];
      const result: ConfigApplied = {
        eventId: deterministicEventId(job.id, ConfigAppliedTopic.name),
        occurredAt: at.toISOString(),
        mac: job.mac,
        jobId: job.id,
        outcome: refused.length === 0 ? 'accepted' : refused.length === written.length ? 'failed' : 'partly-accepted',
        written: written.length - refused.length,
        refused: refused.map((f) => itemWith(f, { status: f.status })),
        items: maskSecretItems(written).map((i) => itemWith(i, { value: i.value })),
      };
      await this.store.addHistory(tx, phone.mac, 'write', { jobId: job.id, outcome: result.outcome, items: result.items, refused: result.refused });
      await this.outbox.add(tx, ConfigAppliedTopic, job.mac, result);
      for (const fault of refused) {
        await this.outbox.add(tx, FaultRaisedTopic, job.mac, {
          eventId: deterministicEventId(job.id, FaultRaisedTopic.name, itemKey(fault)),
          occurredAt: fault.at,
          mac: job.mac,
          item: itemRef(fault),
          status: fault.status,
          value: fault.value,
        });
      }
      const next = await this.reconcile(tx, { ...phone, state, syncJobId: phone.syncJobId === job.id ? null : phone.syncJobId }, desired, { cause: `job:${job.id}` });
      return { ...next, refused };
    }, within);
    return async () => {
      if (outcome.refused.length > 0) this.logger.warn('phone refused configuration items; kept as faults', { mac: job.mac, jobId: job.id, items: outcome.refused.map((f) => `${itemKey(f)}: ${f.status}`) });
      await this.announce(outcome.result, outcome.events, false);
    };
  }

  /** The effective configuration of a phone as it stands (for reads and previews). */
  effective(phone: ManagedPhone, desired: DesiredSnapshot): EffectiveResult {
    const input = {
      mac: phone.mac,
      assignment: phone.assignment,
      reported: { deviceType: phone.deviceType, e164: phone.reportedE164 },
      ...(phone.assignment.site ? { siteFields: desired.sites.get(phone.assignment.site) ?? {} } : {}),
    };
    return effectiveConfiguration(profilesForPhone(desired.profiles, input, (s) => this.box.open(s)), phoneFacts(input));
  }

  plan(phone: ManagedPhone, desired: DesiredSnapshot): { effective: EffectiveResult; plan?: DeliveryPlan } {
    const effective = this.effective(phone, desired);
    return effective.ok ? { effective, plan: planDelivery(effective.items, phone.state, this.fingerprint) } : { effective };
  }

  readonly fingerprint = (value: string | null) => this.box.fingerprint(value);

  /** Job items as the phone must get them: sealed secrets opened. */
  reveal(items: readonly WpiItem[]): WpiItem[] {
    return this.jobItems.reveal(items);
  }

  /** Job items as stored: secret values sealed. */
  conceal(items: readonly WpiItem[]): WpiItem[] {
    return this.jobItems.conceal(items);
  }

  private async reconcile(
    tx: EntityManager,
    phone: ManagedPhone,
    desired: DesiredSnapshot,
    update: { deviceType?: string | null; softwareVersion?: string | null; reportedE164?: string | null; contactAt?: Date; interactionId?: string; fullReportAt?: Date; overrides?: StoredItem[]; cause: string },
  ): Promise<{ result: SyncOutcome; events: SyncEvents }> {
    const { effective, plan } = this.plan(phone, desired);
    const faults = Object.fromEntries(Object.entries(phone.state.faults).filter(([key]) => !key.startsWith(`${TEMPLATE_FAULT}:`)));
    if (!effective.ok) {
      // A template this phone cannot fill: nothing is written (no half-applied configuration).
      for (const problem of effective.problems) {
        faults[`${TEMPLATE_FAULT}:${problem.item}`] = { name: problem.item, status: TEMPLATE_FAULT, fingerprint: '', value: problem.problem, at: new Date().toISOString() } satisfies FaultRecord;
      }
    }
    const state: PhoneConfigState = { ...phone.state, faults };
    const writes = plan?.write ?? [];
    let syncJobId = phone.syncJobId;
    let pendingChanged = false;
    let queued = false;
    const jobState = syncJobId ? await this.store.jobs.stateOf(syncJobId, tx) : undefined;
    if (jobState === undefined || jobState === 'done') syncJobId = null;
    if (writes.length > 0) {
      const items = this.conceal(relatedItemsTogether(writes));
      if (syncJobId === null) {
        syncJobId = (await this.store.jobs.enqueue(phone.mac, 'WriteItems', items, randomUUID(), tx)).id;
        pendingChanged = true;
        queued = true;
      } else if (jobState === 'queued') {
        await this.store.jobs.replaceQueuedItems(syncJobId, items, tx);
      }
    } else if (syncJobId !== null && jobState === 'queued') {
      await this.store.jobs.dropQueued(syncJobId, tx);
      syncJobId = null;
      pendingChanged = true;
    }
    const drift = plan?.drift ?? [];
    await this.store.savePhoneState(tx, phone.mac, { ...update, state, drift, syncJobId });
    if (drift.length > 0 && driftSignature(drift) !== driftSignature(phone.drift)) await this.addDrift(tx, phone.mac, drift, writes.length > 0 ? 'rewrite' : 'none', update.cause);
    return {
      result: { mac: phone.mac, writes: writes.length, drift: drift.length, faults: Object.keys(faults).length, pending: syncJobId !== null },
      events: { pendingChanged, queued },
    };
  }

  /** After the commit: integration events go out (outbox), the pending count and contact-me are asked for. */
  private async announce(result: SyncOutcome, events: SyncEvents, contactMe: boolean): Promise<void> {
    this.outbox.kick();
    if (events.queued) this.metrics?.jobsQueued.inc({ stage: 'configuration', action: 'WriteItems' });
    if (events.pendingChanged) await this.jobEvents.pendingChanged(result.mac, await this.store.jobs.countQueued(result.mac));
    if (contactMe && result.pending) await this.jobEvents.contactMe(result.mac);
  }

  private async addDrift(tx: EntityManager, mac: string, items: DriftEntry[], action: 'rewrite' | 'adopted' | 'none', cause: string): Promise<void> {
    await this.outbox.add(tx, DriftDetectedTopic, mac, {
      eventId: deterministicEventId(mac, DriftDetectedTopic.name, cause, driftSignature(items)),
      occurredAt: new Date().toISOString(),
      mac,
      items: items.map((d) => itemWith(d, {
        reported: isSecretItem(d.name) && d.reported !== null ? MASK : d.reported,
        desired: isSecretItem(d.name) && d.desired !== null ? MASK : d.desired,
        policy: d.policy,
      })),
      action,
    });
  }
}

function driftSignature(drift: readonly DriftEntry[]): string {
  return createHash('sha256')
    .update(JSON.stringify(drift.map((d) => [itemKey(d), d.reported, d.desired])))
    .digest('base64url')
    .slice(0, 16);
}

function mergeOverrides(current: readonly StoredItem[], adopted: readonly WpiItem[]): StoredItem[] {
  const byKey = new Map(current.map((o) => [itemKey(o), o]));
  for (const item of adopted) byKey.set(itemKey(item), itemWith(item, { value: item.value, policy: 'adopt' }));
  return [...byKey.values()];
}

function observationOf(contact: ContactEvent): Observation | undefined {
  const m = contact.message;
  const at = new Date(contact.receivedAt);
  if (m.reason === 'reply-to') {
    if (m.replyTo?.action !== 'ReadAllItems' || m.replyTo.status !== 'accepted') return undefined;
    return { at, ...basicsOf(m.items), full: m.items, localChanges: false };
  }
  if (!REASONS_WITH_BASIC_ITEMS.has(m.reason)) return undefined;
  const local = m.reason === 'local-changes' && itemValue(m.items, 'configuration-attached-flag') === 'true';
  const changes = local ? attachedItems(m.items) : m.reason === 'inventory-changes' ? m.items.filter((i) => !BASIC_ITEMS.has(i.name)) : [];
  return { at, ...basicsOf(m.items), changes, localChanges: local };
}

function basicsOf(items: WpiItem[]): Pick<Observation, 'deviceType' | 'softwareVersion' | 'reportedE164'> {
  const deviceType = itemValue(items, 'device-type');
  const softwareVersion = itemValue(items, 'software-version');
  const e164 = itemValue(items, 'e164');
  return {
    ...(deviceType !== undefined ? { deviceType } : {}),
    ...(softwareVersion !== undefined ? { softwareVersion } : {}),
    ...(e164 !== undefined ? { reportedE164: e164 } : {}),
  };
}
