import { ContactMeTargetPolicy } from '@workpoint/contact-me';
import { answer, pass, type StageDecision } from '@workpoint/contact-pipeline';
import { type ContactEvent, HEADERS } from '@workpoint/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@workpoint/database';
import { Logger, maskSecretItems } from '@workpoint/logging';
import { attachedItems, itemValue, REASONS_WITH_BASIC_ITEMS, type WpiAction, type WpiItem } from '@workpoint/wpi-codec';
import { changesReportedEvent, phoneRegisteredEvent } from './phone-events.builder';
import { InventoryError } from './inventory.error';
import { INVENTORY_SETTINGS, type InventorySettings } from './inventory.settings';
import { type PhoneContactFacts, PhoneRepository, type ReportKind } from './phone.repository';
import { fragmentBytes, type FragmentKey, ReplyFragmentRepository } from './reply-fragment.repository';


/** A phone that keeps sending `fragment="next"` is cut off after this many parts in one interaction. */
export const MAX_REPLY_FRAGMENTS = 200;
/**
 * Default of `REPLY_MAX_BYTES`: the bytes (items as JSON) the fragmented replies of one
 * interaction may store. The largest phones (OpenStage 80 / CP710 with key modules) report a
 * few thousand items in a full ReadAllItems; 6,000 items measure 338 kB with the phone simulator's values, ~600 kB at
 * 100 bytes an item. 4 MiB leaves more than 6x headroom and is far below what 200 parts of
 * 50 kB (the protocol's message size, protocol.md §3.4) could make a hostile phone store.
 */
export const DEFAULT_REPLY_MAX_BYTES = 4 * 1048576;
/**
 * The replies a phone may send in fragments: to the actions the service sends that have items
 * in their answer. Any other action name (the phone chooses it) is refused before anything is
 * stored, so the fragment key cannot be used to open unbounded parallel replies.
 */
const FRAGMENTED_REPLY_ACTIONS: ReadonlySet<string> = new Set<WpiAction>(['ReadAllItems', 'ReadItems', 'WriteItems', 'FileDeployment', 'SoftwareDeployment']);

/**
 * The widths of the phone's columns for what it says about itself (entities/phone.entity.ts).
 * The gateway refuses longer values, but inventory does not depend on it: a value that does not
 * fit is not kept (null, logged at warn) rather than failing the insert, which would be retried
 * and dead-lettered and block the phone's partition for nothing.
 */
export const PHONE_FACT_LIMITS = { e164: 64, 'device-type': 128, 'software-version': 64 } as const;

/** The reports other systems hear about, by the name the phone gives them (its reason). */
const PUBLISHED_REPORTS = { 'local-change': 'local-changes', 'inventory-change': 'inventory-changes' } as const;

/**
 * The inventory stage, first in the pipeline: keeps what each phone reports, asks for the full
 * item set when it does not know it or the phone says its configuration changed, assembles
 * fragmented replies before anyone acts on them, and ends the interactions that need no jobs
 * (the phone's own clean-up, reasons nobody knows). It tells the world when a phone appears
 * and when one reports changes, once per contact, even when the contact is delivered again:
 * each event is a row of inventory's outbox, written with the change it describes and
 * published by the outbox's relay.
 */
@Injectable()
export class InventoryContactUseCase {
  /** Decides at ingest whether a reported contact-me-uri is kept (CONTACT_ME_ALLOWED_NETWORKS). */
  private readonly contactMePolicy: ContactMeTargetPolicy;
  private readonly replyMaxBytes: number;

  constructor(
    private readonly phones: PhoneRepository,
    private readonly fragments: ReplyFragmentRepository,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    @Inject(INVENTORY_SETTINGS) settings: InventorySettings,
  ) {
    this.contactMePolicy = settings.contactMe.policy ?? new ContactMeTargetPolicy();
    this.replyMaxBytes = settings.storage?.REPLY_MAX_BYTES ?? DEFAULT_REPLY_MAX_BYTES;
  }

  async handle(contact: ContactEvent): Promise<StageDecision> {
    const { message } = contact;
    const log = this.logger.child({ mac: contact.mac, correlationId: contact.interactionId });
    switch (message.reason) {
      case 'reply-to':
        return this.onReply(contact, log);
      case 'clean-up':
        // The phone ends the interaction itself (e.g. PIN retries exceeded, G p.83).
        await this.record(contact, log);
        log.warn('phone ended the interaction', { cleanupReason: itemValue(message.items, 'cleanup-reason') });
        return answer('CleanUp', 'phone clean-up acknowledged');
      default:
        if (!REASONS_WITH_BASIC_ITEMS.has(message.reason)) {
          log.warn('unknown reason for contact answered with CleanUp', { reason: message.reason });
          return answer('CleanUp', 'unknown reason');
        }
        return this.onBasicContact(contact, log);
    }
  }

  private async onBasicContact(contact: ContactEvent, log: Logger): Promise<StageDecision> {
    const { message } = contact;
    const known = await this.phones.findPhone(contact.mac);
    await this.record(contact, log);
    const changed = itemValue(message.items, 'configuration-changed-flag') === 'true';

    switch (message.reason) {
      case 'start-up': {
        // G p.34: a known phone reporting configuration-changed-flag=false has nothing new to read.
        if (known?.lastFullReportAt && itemValue(message.items, 'configuration-changed-flag') === 'false') return pass();
        return this.readAll(contact, known ? 'configuration changed or never read' : 'new phone');
      }
      case 'local-changes': {
        // From V2R2 the changed items come along (configuration-attached-flag); before, only
        // the flag, and the service reads everything (protocol.md §6.2).
        if (itemValue(message.items, 'configuration-attached-flag') === 'true') {
          await this.store(contact, 'local-change', attachedItems(message.items), log);
          return pass();
        }
        return changed || !known?.lastFullReportAt ? this.readAll(contact, 'local changes') : pass();
      }
      case 'inventory-changes':
        await this.store(contact, 'inventory-change', message.items, log);
        return pass();
      default:
        return pass();
    }
  }

  private async onReply(contact: ContactEvent, log: Logger): Promise<StageDecision> {
    const { message } = contact;
    const reply = message.replyTo;
    if (!reply) throw new InventoryError('reply-without-action', 'reply-to contact without the action it answers');
    const key = { mac: contact.mac, interactionId: contact.interactionId, action: reply.action };
    if (message.fragment === 'next') {
      if (!FRAGMENTED_REPLY_ACTIONS.has(reply.action)) {
        log.warn('reply fragment for an action the service never sends; nothing stored', { action: reply.action.slice(0, 64) });
        return answer('CleanUp', 'unknown reply-to action');
      }
      const added = await this.fragments.add(key, contact.contactId, message.items, new Date(contact.receivedAt), { maxParts: MAX_REPLY_FRAGMENTS, maxBytes: this.replyMaxBytes });
      if (added.outcome !== 'stored') return this.refuseReply(key, added.outcome, added, log);
      return answer('GetNextFragment', `fragment ${added.parts}`);
    }
    let whole = contact;
    const stored = await this.fragments.tally(key);
    if (stored.parts > 0) {
      // Checked before anything is loaded: the assembled reply never exceeds the caps.
      const tally = { parts: stored.parts + 1, bytes: stored.bytes + fragmentBytes(message.items) };
      if (stored.parts > MAX_REPLY_FRAGMENTS) return this.refuseReply(key, 'too-many-fragments', tally, log);
      if (tally.bytes > this.replyMaxBytes) return this.refuseReply(key, 'reply-too-large', tally, log);
      const earlier = await this.fragments.claimEarlierParts(key, contact.contactId, MAX_REPLY_FRAGMENTS);
      if (earlier.length > 0) {
        whole = { ...contact, message: { ...message, items: [...earlier, ...message.items] } };
        // The parts stay until the retention job sweeps them: a redelivered final part must assemble the same whole.
        log.info('fragmented reply assembled', { action: reply.action, items: whole.message.items.length });
      }
    }
    if (reply.action === 'ReadAllItems' && reply.status === 'accepted') {
      // Only a reply to our own question is the phone's item set; a stray reply-to (or one
      // under a MAC that changed mid-interaction) is answered but not believed.
      if (await this.phones.readRequested(contact.mac, contact.interactionId)) await this.store(whole, 'full', whole.message.items, log);
      else log.warn('reply-to ReadAllItems that was not asked for in this interaction; not stored', { items: whole.message.items.length });
    }
    return pass(whole);
  }

  /** A reply over its caps ends the interaction; its fragments are dropped, nothing more is stored. */
  private async refuseReply(key: FragmentKey, why: 'too-many-fragments' | 'reply-too-large', tally: { parts: number; bytes: number }, log: Logger): Promise<StageDecision> {
    const dropped = await this.fragments.dropInteraction(key.mac, key.interactionId);
    log.warn('fragmented reply over its limit; ending the interaction', {
      action: key.action,
      limit: why,
      parts: tally.parts,
      bytes: tally.bytes,
      maxParts: MAX_REPLY_FRAGMENTS,
      maxBytes: this.replyMaxBytes,
      dropped,
    });
    return answer('CleanUp', why === 'too-many-fragments' ? 'too many fragments' : 'reply too large');
  }

  /** Records the contact; the phone's registration event goes with it if this contact is its first. */
  private async record(contact: ContactEvent, log: Logger): Promise<void> {
    const facts = factsOf(contact, this.contactMePolicy, log);
    const registered = await this.phones.recordContact(facts, { value: phoneRegisteredEvent(contact, facts), headers: headersFor(contact) });
    if (!registered) return;
    this.outbox.kick();
    log.info('phone registered', { reason: contact.message.reason });
  }

  private async readAll(contact: ContactEvent, why: string): Promise<StageDecision> {
    await this.phones.markReadRequested(contact.mac, contact.interactionId);
    return answer('ReadAllItems', why);
  }

  private async store(contact: ContactEvent, kind: ReportKind, items: WpiItem[], log: Logger): Promise<void> {
    const stored = await this.phones.storeReport({
      kind,
      mac: contact.mac,
      contactId: contact.contactId,
      interactionId: contact.interactionId,
      reportedAt: new Date(contact.receivedAt),
      // Phones report some passwords in clear (e.g. `user-pwd` at start-up); they are not kept.
      items: maskSecretItems(items),
      ...(kind === 'full' ? {} : { event: { value: changesReportedEvent(contact, PUBLISHED_REPORTS[kind], items), headers: headersFor(contact) } }),
    });
    log.info(stored ? `${kind} report stored` : `${kind} report already stored (redelivery)`, { items: items.length });
    if (stored && kind !== 'full') this.outbox.kick();
  }
}

/**
 * What the contact says about the phone, as inventory keeps it. Values wider than their
 * column become null (`PHONE_FACT_LIMITS`); the contact-me-uri is kept only when the policy
 * accepts it for the address this contact came from, else only the refusal's reason is.
 * Neither is a reason to refuse the contact: the phone still gets its answer and its work.
 */
function factsOf(contact: ContactEvent, policy: ContactMeTargetPolicy, log: Logger): PhoneContactFacts {
  const items: WpiItem[] = contact.message.items;
  const fitting = (name: keyof typeof PHONE_FACT_LIMITS): string | null => {
    const value = itemValue(items, name);
    if (value === undefined) return null;
    if (value.length <= PHONE_FACT_LIMITS[name]) return value;
    log.warn('phone reported a value longer than inventory keeps; not kept', { item: name, length: value.length, limit: PHONE_FACT_LIMITS[name], remoteAddress: contact.remoteAddress });
    return null;
  };
  const reportedTarget = itemValue(items, 'contact-me-uri');
  const target = reportedTarget === undefined ? undefined : policy.decide(reportedTarget, contact.remoteAddress);
  if (target?.ok === false) log.warn('contact-me-uri refused; not kept', { reason: target.reason, remoteAddress: contact.remoteAddress });
  return {
    mac: contact.mac,
    contactId: contact.contactId,
    e164: fitting('e164'),
    deviceType: fitting('device-type'),
    softwareVersion: fitting('software-version'),
    contactMeUri: target?.ok ? target.target.uri : null,
    contactMeRefusal: target?.ok === false ? target.reason : null,
    basicItems: maskSecretItems(items),
    reason: contact.message.reason,
    remoteAddress: contact.remoteAddress,
    contactAt: new Date(contact.receivedAt),
  };
}

function headersFor(contact: ContactEvent): Record<string, string> {
  return { [HEADERS.correlationId]: contact.interactionId, [HEADERS.causationId]: contact.contactId };
}
