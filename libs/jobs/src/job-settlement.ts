import type { ContactEvent } from '@workpoint/contracts';
import type { WpiAction } from '@workpoint/wpi-codec';
import type { QueuedJob } from './job-queue';

/**
 * What a later contact says about a job: settled either way; `send-again` when it shows that
 * the phone never got the job, or lost it (the job is queued again and goes out in this very
 * contact, if nothing comes before it); or nothing yet (undefined).
 */
export type Settlement = 'accepted' | 'failed' | 'send-again' | undefined;

/**
 * Actions the phone answers without a reply-to (protocol.md §6): a later contact settles them —
 * how, is the rule of the stage that runs them ({@link JobSettlement}). Every other action is
 * answered by its reply-to in the interaction it was sent in.
 */
export const SETTLED_BY_LATER_CONTACT: ReadonlySet<WpiAction> = new Set(['Restart', 'SoftwareDeployment', 'FileDeployment']);

/**
 * A stage's rules for its jobs settled by a later contact (a port: the stage's module provides
 * it under {@link JOB_SETTLEMENT}). Asked, for every contact, about each of the phone's jobs that
 * is out and in {@link SETTLED_BY_LATER_CONTACT}; a job no rule settles stays out.
 */
export interface JobSettlement {
  settle(job: QueuedJob, contact: ContactEvent): Settlement;
}

/** Injection token of the stage's {@link JobSettlement}. */
export const JOB_SETTLEMENT = Symbol('JOB_SETTLEMENT');

/** A stage without jobs settled by a later contact: nothing settles them. */
export const NO_SETTLEMENT: JobSettlement = { settle: () => undefined };

/** Whether the contact belongs to the interaction the job was sent in. */
export function sentInThisInteraction(job: QueuedJob, contact: ContactEvent): boolean {
  return job.sentInInteraction === contact.interactionId;
}
