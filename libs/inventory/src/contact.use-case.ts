import { ContactMeTargetPolicy } from '@workpoint/contact-me';
import { answer, pass, type StageDecision } from '@workpoint/contact-pipeline';
import { type ContactEvent, HEADERS, PhoneChangesReportedTopic, PhoneRegisteredTopic } from '@workpoint/contracts';
import { type Logger, maskSecretItems } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { attachedItems, itemValue, REASONS_WITH_BASIC_ITEMS, type WpiItem } from '@workpoint/wpi-codec';
import { changesReportedEvent, phoneRegisteredEvent } from './phone-events.builder';
import type { PhoneContactFacts, PhoneRepository, ReportKind } from './phone.repository';
import type { ReplyFragmentRepository } from './reply-fragment.repository';


/** A phone that keeps sending `fragment="next"` is cut off after this many parts. */
export const MAX_REPLY_FRAGMENTS = 200;
const FRAGMENT_RETENTION_MS = 24 * 3600_000;

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
 * and when one reports changes, once per contact, even when the contact is delivered again.
 */
export class InventoryContactUseCase {
  constructor(
    private readonly phones: PhoneRepository,
    private readonly fragments: ReplyFragmentRepository,
    private readonly bus: Bus,
    private readonly logger: Logger,
    /** Decides at ingest whether a reported contact-me-uri is kept (CONTACT_ME_ALLOWED_NETWORKS). */
    private readonly contactMePolicy = new ContactMeTargetPolicy(),
  ) {}

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
    const reply = message.replyTo!;
    const key = { mac: contact.mac, interactionId: contact.interactionId, action: reply.action };
    if (message.fragment === 'next') {
      const parts = await this.fragments.add(key, contact.contactId, message.items, new Date(contact.receivedAt));
      if (parts > MAX_REPLY_FRAGMENTS) {
        log.warn('reply fragments exceed the limit; ending the interaction', { action: reply.action, parts });
        return answer('CleanUp', 'too many fragments');
      }
      return answer('GetNextFragment', `fragment ${parts}`);
    }
    const earlier = await this.fragments.itemsBefore(key);
    const whole: ContactEvent = earlier.length > 0 ? { ...contact, message: { ...message, items: [...earlier, ...message.items] } } : contact;
    if (earlier.length > 0) {
      log.info('fragmented reply assembled', { action: reply.action, items: whole.message.items.length });
      await this.fragments.dropOlderThan(new Date(Date.now() - FRAGMENT_RETENTION_MS));
    }
    if (reply.action === 'ReadAllItems' && reply.status === 'accepted') {
      // Only a reply to our own question is the phone's item set; a stray reply-to (or one
      // under a MAC that changed mid-interaction) is answered but not believed.
      if (await this.phones.readRequested(contact.mac, contact.interactionId)) await this.store(whole, 'full', whole.message.items, log);
      else log.warn('reply-to ReadAllItems that was not asked for in this interaction; not stored', { items: whole.message.items.length });
    }
    return pass(whole);
  }

  /** Records the contact; publishes the phone's registration if this contact is its first. */
  private async record(contact: ContactEvent, log: Logger): Promise<void> {
    const facts = factsOf(contact, this.contactMePolicy, log);
    const { registered, published } = await this.phones.recordContact(facts);
    if (!registered || published) return;
    await this.bus.publish(PhoneRegisteredTopic, contact.mac, phoneRegisteredEvent(contact, facts), headersFor(contact));
    await this.phones.markRegistrationPublished(contact.mac);
    log.info('phone registered', { reason: contact.message.reason });
  }

  private async readAll(contact: ContactEvent, why: string): Promise<StageDecision> {
    await this.phones.markReadRequested(contact.mac, contact.interactionId);
    return answer('ReadAllItems', why);
  }

  private async store(contact: ContactEvent, kind: ReportKind, items: WpiItem[], log: Logger): Promise<void> {
    const { stored, published } = await this.phones.storeReport({
      kind,
      mac: contact.mac,
      contactId: contact.contactId,
      interactionId: contact.interactionId,
      reportedAt: new Date(contact.receivedAt),
      // Phones report some passwords in clear (e.g. `user-pwd` at start-up); they are not kept.
      items: maskSecretItems(items),
    });
    log.info(stored ? `${kind} report stored` : `${kind} report already stored (redelivery)`, { items: items.length });
    if (kind === 'full' || published) return;
    await this.bus.publish(PhoneChangesReportedTopic, contact.mac, changesReportedEvent(contact, PUBLISHED_REPORTS[kind], items), headersFor(contact));
    await this.phones.markReportPublished(contact.contactId);
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
