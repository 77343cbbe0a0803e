import type { ContactEvent } from '@workpoint/contracts';
import type { QueuedJob, Settlement } from '@workpoint/jobs';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';

/**
 * How a FileDeployment is confirmed. The phone gets no reply-to for it: it fetches the file and
 * reports the result in a `status` message — in a later interaction, or as the next message of
 * the very interaction the job went out in (protocol.md §6.7, Q7). Only such a status settles it.
 */
export function settleFileDeployment(job: QueuedJob, contact: ContactEvent): Settlement {
  return contact.message.reason === 'status' ? fileStatus(job, contact.message.items) : undefined;
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
