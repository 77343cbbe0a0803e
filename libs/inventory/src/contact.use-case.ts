import { answer, pass, type StageDecision } from '@workpoint/contact-pipeline';
import type { ContactEvent } from '@workpoint/contracts';
import { isSecretItem, type Logger, MASK } from '@workpoint/logging';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';
import type { PhoneRepository } from './phone.repository';

/** Reasons whose message carries the phone's basic items (protocol.md §7.1). */
const CARRIES_BASIC_ITEMS = new Set(['start-up', 'solicited', 'local-changes', 'inventory-changes', 'status']);

/**
 * The inventory stage: keeps what each phone reports, and asks for the full item set when it
 * does not know it or the phone says its configuration changed.
 */
export class InventoryContactUseCase {
  constructor(
    private readonly phones: PhoneRepository,
    private readonly logger: Logger,
  ) {}

  async handle(contact: ContactEvent): Promise<StageDecision> {
    const { message } = contact;
    if (message.reason === 'reply-to') return this.onReply(contact);
    if (!CARRIES_BASIC_ITEMS.has(message.reason)) return pass();

    const known = await this.phones.findPhone(contact.mac);
    const { registered } = await this.phones.recordContact(factsOf(contact));
    if (registered) this.logger.info('phone registered', { mac: contact.mac, correlationId: contact.interactionId, reason: message.reason });

    if (message.reason !== 'start-up') return pass();
    // G p.34: a known phone reporting configuration-changed-flag=false has nothing new to read.
    const unchanged = itemValue(message.items, 'configuration-changed-flag') === 'false';
    if (known?.lastFullReportAt && unchanged) return pass();
    return answer('ReadAllItems', known ? 'configuration changed or never read' : 'new phone');
  }

  private async onReply(contact: ContactEvent): Promise<StageDecision> {
    const reply = contact.message.replyTo;
    if (reply?.action !== 'ReadAllItems' || reply.status !== 'accepted') return pass();
    const { stored } = await this.phones.storeFullReport({
      mac: contact.mac,
      contactId: contact.contactId,
      interactionId: contact.interactionId,
      reportedAt: new Date(contact.receivedAt),
      items: withoutSecrets(contact.message.items),
    });
    this.logger.info(stored ? 'full item set stored' : 'full item set already stored (redelivery)', {
      mac: contact.mac,
      correlationId: contact.interactionId,
      items: contact.message.items.length,
    });
    return pass();
  }
}

function factsOf(contact: ContactEvent) {
  const items: WpiItem[] = contact.message.items;
  return {
    mac: contact.mac,
    e164: itemValue(items, 'e164') ?? null,
    deviceType: itemValue(items, 'device-type') ?? null,
    softwareVersion: itemValue(items, 'software-version') ?? null,
    contactMeUri: itemValue(items, 'contact-me-uri') ?? null,
    basicItems: withoutSecrets(items),
    reason: contact.message.reason,
    remoteAddress: contact.remoteAddress,
    contactAt: new Date(contact.receivedAt),
  };
}

/** Phones report some passwords in clear (e.g. `user-pwd` at start-up); they are not kept. */
function withoutSecrets(items: WpiItem[]): WpiItem[] {
  return items.map((i) => (i.value !== null && isSecretItem(i.name) ? { ...i, value: MASK } : i));
}
