import {
  type ContactEvent,
  deterministicEventId,
  type PhoneChangesReported,
  PhoneChangesReportedTopic,
  type PhoneRegistered,
  PhoneRegisteredTopic,
} from '@workpoint/contracts';
import { maskSecretItems } from '@workpoint/logging';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';

/*
 * Inventory's integration events are built from the contact alone: the event id from its
 * contact id, the time from when the gateway received it. A redelivered contact therefore
 * yields the very same event, and a republish after a crash is a duplicate consumers can drop.
 */

export function phoneRegisteredEvent(contact: ContactEvent): PhoneRegistered {
  const items = contact.message.items;
  const deviceType = itemValue(items, 'device-type');
  const softwareVersion = itemValue(items, 'software-version');
  const e164 = itemValue(items, 'e164');
  return {
    eventId: deterministicEventId(contact.contactId, PhoneRegisteredTopic.name),
    occurredAt: contact.receivedAt,
    mac: contact.mac,
    ...(deviceType ? { deviceType } : {}),
    ...(softwareVersion ? { softwareVersion } : {}),
    ...(e164 ? { e164 } : {}),
    contactId: contact.contactId,
  };
}

export function changesReportedEvent(contact: ContactEvent, kind: PhoneChangesReported['kind'], items: readonly WpiItem[]): PhoneChangesReported {
  return {
    eventId: deterministicEventId(contact.contactId, PhoneChangesReportedTopic.name),
    occurredAt: contact.receivedAt,
    mac: contact.mac,
    kind,
    items: maskSecretItems(items),
    contactId: contact.contactId,
  };
}
