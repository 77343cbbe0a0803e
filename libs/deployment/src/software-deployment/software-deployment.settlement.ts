import type { ContactEvent } from '@workpoint/contracts';
import { type QueuedJob, sentInThisInteraction, type Settlement } from '@workpoint/jobs';
import { itemValue } from '@workpoint/wpi-codec';

/**
 * How a SoftwareDeployment is confirmed. The phone gets no reply-to for it: it downloads the
 * image, reboots, and comes back with its `software-version`. The job is accepted when a later
 * contact reports the wanted version (`file-sw-version` of the job), failed when the phone's
 * first word after its reboot reports another one, and left out otherwise (a contact before
 * the reboot, or one that does not report the version).
 */
export function settleSoftwareDeployment(job: QueuedJob, contact: ContactEvent): Settlement {
  // The interaction the job went out in ends before the phone reboots.
  if (sentInThisInteraction(job, contact)) return undefined;
  const { reason, items, replyTo } = contact.message;
  const reported = itemValue(items, 'software-version');
  const wanted = itemValue(job.items, 'file-sw-version');
  if (reported === undefined || wanted === undefined) return undefined;
  if (sameVersion(reported, wanted)) return 'accepted';
  // The phone's first word after its reboot: the start-up itself, or — when inventory
  // answered the start-up with ReadAllItems — the full item set that followed.
  const afterReboot = reason === 'start-up' || (reason === 'reply-to' && replyTo?.action === 'ReadAllItems');
  return afterReboot ? 'failed' : undefined;
}

/** `V3 R5.12.0` (phone) and `3.5.12.0` (the guide's file-sw-version) name the same firmware (protocol.md §9 Q10). */
export function sameVersion(reported: string, wanted: string): boolean {
  const digits = (v: string) => (v.match(/\d+/g) ?? []).map(Number).join('.');
  const [a, b] = [digits(reported), digits(wanted)];
  return a !== '' && (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`));
}
