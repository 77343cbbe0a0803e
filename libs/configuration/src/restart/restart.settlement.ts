import { Injectable } from '@nestjs/common';
import type { ContactEvent } from '@workpoint/contracts';
import { type JobSettlement, type QueuedJob, sentInThisInteraction, type Settlement } from '@workpoint/jobs';

/**
 * How a Restart is confirmed. The phone gets no reply-to for it: it ends the interaction and
 * reboots, so any contact in a later interaction means it went through its reboot.
 */
@Injectable()
export class RestartSettlement implements JobSettlement {
  settle(job: QueuedJob, contact: ContactEvent): Settlement {
    if (job.action !== 'Restart') return undefined;
    return sentInThisInteraction(job, contact) ? undefined : 'accepted';
  }
}
