import { randomUUID } from 'node:crypto';
import type { ContactEvent } from '@workpoint/contracts';
import type { WpiAction, WpiItem } from '@workpoint/wpi-codec';
import type { QueuedJob } from '../job-queue';

const MAC = '02:00:00:00:00:01';

/** A job of `action` sent to the phone in interaction `interactionId`, waiting for its answer. */
export function sentJob(action: WpiAction, items: WpiItem[] = [], interactionId: string = randomUUID()): QueuedJob {
  return {
    id: '1',
    mac: MAC,
    action,
    items,
    state: 'sent',
    createdAt: new Date(),
    sentAt: new Date(),
    sentInContact: randomUUID(),
    sentInInteraction: interactionId,
    outcome: null,
    itemResults: null,
    completedAt: null,
    busyCount: 0,
    lastBusyContact: null,
    requestId: null,
    itemsDone: 0,
    partSize: items.length,
  };
}

/** A contact of the phone: a new interaction unless `interactionId` is given. */
export function contactOf(message: Partial<ContactEvent['message']>, interactionId: string = randomUUID()): ContactEvent {
  const now = new Date();
  return {
    contactId: randomUUID(),
    interactionId,
    gatewayId: 'gw-test',
    mac: MAC,
    remoteAddress: '127.0.0.1',
    receivedAt: now.toISOString(),
    answerBy: new Date(now.getTime() + 10_000).toISOString(),
    message: { nonce: 'n', maxItems: 100, reason: 'solicited', items: [], ...message },
  };
}
