import type { ContactEvent } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';
import type { JobQueue, QueuedJob } from './job-queue';
import { answer, pass, type StageDecision } from './stage-decision';

const BUSY_ANSWER = (): StageDecision => answer('CleanUp', 'phone busy', [{ name: 'send-solicited', value: 'true' }]);

/**
 * A stage that runs the phone's queued jobs, one after another, in the interactions that
 * reach it, and records each job's outcome from the phone's answer:
 * - `reply-to … accepted|failed` → the job is done, with the items the phone flagged;
 * - `reply-to … busy` → the job stays queued and the interaction ends with CleanUp +
 *   `send-solicited=true`, so the phone calls back when idle (G p.46, p.72);
 * - Restart / SoftwareDeployment / FileDeployment get no reply-to: they are settled by a
 *   later contact — any contact after a Restart, the reported `software-version` after a
 *   SoftwareDeployment, the `status` message after a FileDeployment;
 * - a job whose interaction ended without its answer (lost answer, gateway timeout, phone
 *   gone) is queued again when the phone next gets in touch.
 * Every step is idempotent: a redelivered contact yields the same answer and records nothing twice.
 */
export class JobStageUseCase {
  constructor(
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
  ) {}

  async handle(contact: ContactEvent): Promise<StageDecision> {
    const log = this.logger.child({ mac: contact.mac, correlationId: contact.interactionId });
    const { message } = contact;

    if (message.reason === 'reply-to' && message.replyTo) {
      if (message.replyTo.status === 'busy' && (await this.jobs.requeuedBusyBy(contact.contactId))) return BUSY_ANSWER();
      const job = await this.jobs.awaitingReply(contact.mac, contact.interactionId, message.replyTo.action);
      if (job) {
        if (message.replyTo.status === 'busy') {
          await this.jobs.requeueBusy(job.id, contact.contactId);
          log.info('phone busy; job stays queued, phone asked to call back', { jobId: job.id, action: job.action });
          return BUSY_ANSWER();
        }
        const outcome = message.replyTo.status === 'accepted' ? 'accepted' : 'failed';
        const flagged = message.items.filter((i) => i.status !== undefined);
        await this.jobs.complete(job.id, outcome, flagged);
        log.info('job answered', { jobId: job.id, action: job.action, outcome, flaggedItems: flagged.length });
      }
    }
    await this.settleEarlierJobs(contact, log);

    const next = await this.jobs.takeNext(contact.mac, contact.contactId, contact.interactionId);
    if (!next) return pass();
    log.info('sending queued job', { jobId: next.id, action: next.action, items: next.items.length });
    return answer(next.action, `job ${next.id}`, next.items);
  }

  private async settleEarlierJobs(contact: ContactEvent, log: Logger): Promise<void> {
    for (const job of await this.jobs.sentInOtherInteractions(contact.mac, contact.interactionId)) {
      const verdict = settle(job, contact.message.reason, contact.message.items);
      if (verdict === 'unanswered') {
        await this.jobs.requeueUnanswered(job.id);
        log.warn('job sent in an interaction that ended without its answer; queued again', { jobId: job.id, action: job.action });
      } else if (verdict) {
        await this.jobs.complete(job.id, verdict, []);
        log.info('job settled by a later contact', { jobId: job.id, action: job.action, outcome: verdict, reason: contact.message.reason });
      }
    }
  }
}

function settle(job: QueuedJob, reason: string, items: WpiItem[]): 'accepted' | 'failed' | 'unanswered' | undefined {
  switch (job.action) {
    case 'Restart':
      // Any contact in a later interaction means the phone went through its reboot.
      return 'accepted';
    case 'SoftwareDeployment': {
      const reported = itemValue(items, 'software-version');
      const wanted = itemValue(job.items, 'file-sw-version');
      if (reported === undefined || wanted === undefined) return undefined;
      if (sameVersion(reported, wanted)) return 'accepted';
      return reason === 'start-up' ? 'failed' : undefined;
    }
    case 'FileDeployment': {
      if (reason !== 'status') return undefined;
      const status = items.find((i) => i.name === 'file-deployment-status')?.value;
      if (!status) return undefined;
      return status === 'ok' ? 'accepted' : 'failed';
    }
    case 'ReadAllItems':
    case 'ReadItems':
    case 'WriteItems':
    case 'GetNextFragment':
    case 'CleanUp':
      return 'unanswered';
  }
}

/** `V3 R5.12.0` (phone) and `3.5.12.0` (the guide's file-sw-version) name the same firmware (protocol.md §9 Q10). */
export function sameVersion(reported: string, wanted: string): boolean {
  const digits = (v: string) => (v.match(/\d+/g) ?? []).map(Number).join('.');
  const [a, b] = [digits(reported), digits(wanted)];
  return a !== '' && (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`));
}
