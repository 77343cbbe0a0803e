import { type ContactMeAttempted, ContactMeAttemptedTopic } from '@workpoint/contracts';
import type { Outbox } from '@workpoint/database';
import type { EntityManager } from 'typeorm';
import type { ContactMeRequestRepository } from './contact-me-request.repository';

/** An attempt's row and its `inventory.contact-me.attempted.v1` event, in the caller's transaction. */
export async function recordAttempt(tx: EntityManager, requests: ContactMeRequestRepository, outbox: Outbox, attempt: ContactMeAttempted): Promise<void> {
  await requests.addAttempt(tx, attempt);
  await outbox.add(tx, ContactMeAttemptedTopic, attempt.mac, attempt);
}
