import type { ContactEvent } from '@workpoint/contracts';
import { type QueuedJob, type Settlement, sentInThisInteraction } from '@workpoint/jobs';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';

/**
 * How a FileDeployment is confirmed. The phone gets no reply-to for it: it fetches the file and
 * reports the result in a `status` message — in a later interaction, or as the next message of
 * the very interaction the job went out in (protocol.md §6.7, Q7). Only such a status settles it.
 *
 * Nothing confirms that the phone got the job: a stage that marked it sent may have answered
 * too late (after a crash or a broker outage the gateway had already answered CleanUp on its
 * own). A phone that got it sends its status next; a phone that starts up instead — its first
 * word after a (re)start: the start-up, or the full item set inventory asked for — either never
 * got the job or lost the transfer with its reboot. Then the job goes out again (a phone still
 * busy with the first transfer answers busy and is asked to call back). Without this rule such
 * a job stayed `sent` for good.
 */
export function settleFileDeployment(job: QueuedJob, contact: ContactEvent): Settlement {
  const { reason, replyTo, items } = contact.message;
  if (reason === 'status') return fileStatus(job, items);
  if (sentInThisInteraction(job, contact)) return undefined;
  const started = reason === 'start-up' || (reason === 'reply-to' && replyTo?.action === 'ReadAllItems');
  return started ? 'send-again' : undefined;
}

/**
 * The status the phone reports for this job's file: matched by name (`file-name`, or the last
 * part of `file-https-base-url`) and, when both sides say, by type. A status for another file
 * settles nothing.
 */
function fileStatus(job: QueuedJob, items: WpiItem[]): Settlement {
  const wantedName = itemValue(job.items, 'file-name') ?? itemValue(job.items, 'file-https-base-url')?.split('/').pop();
  const wantedType = itemValue(job.items, 'file-type');
  if (!wantedName) return undefined;
  const byIndex = new Map<number, Record<string, string | null>>();
  for (const item of items) {
    if (!item.name.startsWith('file-deployment-')) continue;
    const entry = byIndex.get(item.index ?? -1) ?? {};
    entry[item.name] = item.value;
    byIndex.set(item.index ?? -1, entry);
  }
  for (const entry of byIndex.values()) {
    if (entry['file-deployment-name'] !== wantedName) continue;
    const type = entry['file-deployment-type'];
    if (wantedType && type && type !== wantedType) continue;
    const status = entry['file-deployment-status'];
    if (!status) return undefined;
    return status === 'ok' ? 'accepted' : 'failed';
  }
  return undefined;
}
