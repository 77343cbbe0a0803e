import {
  type ContactEvent,
  deterministicEventId,
  type PhoneChangesReported,
  PhoneChangesReportedTopic,
  type PhoneRegistered,
  PhoneRegisteredTopic,
} from '@workpoint/contracts';
import { maskSecretItems } from '@workpoint/logging';
import type { WpiItem } from '@workpoint/wpi-codec';
import type { PhoneContactFacts } from './phone.repository';

/*
 * Inventory's integration events are built from the contact alone: the event id from its
 * contact id, the time from when the gateway received it. A redelivered contact therefore
 * yields the very same event; it is written to the outbox once, with the change it describes,
 * and a re-send of its row after a crash is a duplicate consumers can drop.
 */

/**
 * The phone facts come as inventory kept them (`factsOf` in contact.use-case.ts), so a value
 * too long for its column is left out here as well, instead of failing the event's schema.
 */
export function phoneRegisteredEvent(contact: ContactEvent, facts: Pick<PhoneContactFacts, 'deviceType' | 'softwareVersion' | 'e164'>): PhoneRegistered {
  const { deviceType, softwareVersion, e164 } = facts;
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
