import { Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { StoreMetrics } from '@workpoint/metrics';
import type { ContactEvent, JobRequested } from '@workpoint/contracts';
import { Logger, maskSecretItems } from '@workpoint/logging';
import { relatedGroupKey, splitItems, type WpiAction, type WpiItem, WpiSplitError } from '@workpoint/wpi-codec';
import { JOB_EVENTS, type JobEvents } from './job-events';
import { JOB_SETTLEMENT, type JobSettlement, NO_SETTLEMENT, SETTLED_BY_LATER_CONTACT, sentInThisInteraction } from './job-settlement';
import { JobQueue, outstandingPart, type QueuedJob } from './job-queue';
import { answer, pass, PIPELINE_STAGE, type StageDecision } from '@workpoint/contact-pipeline';

/**
 * How a service keeps secret item values in its job table: `conceal` when a job is queued,
 * `reveal` for the message to the phone. Plain by default.
 */
export interface JobItemSecrets {
  conceal(items: WpiItem[]): WpiItem[];
  reveal(items: WpiItem[]): WpiItem[];
}
export const PLAIN_ITEMS: JobItemSecrets = { conceal: (items) => items, reveal: (items) => items };

/** Injection token of a job stage's {@link JobItemSecrets} (PLAIN_ITEMS unless the stage seals). */
export const JOB_ITEM_SECRETS = Symbol('JOB_ITEM_SECRETS');

const BUSY_ANSWER = (): StageDecision => answer('CleanUp', 'phone busy', [{ name: 'send-solicited', value: 'true' }]);

/** Actions whose items may go out over several messages (protocol.md §3.4); others go whole. */
const SPLITTABLE: ReadonlySet<WpiAction> = new Set(['WriteItems', 'ReadItems']);

/**
 * The items of a splittable job in the order it must keep them: each related group (a function
 * key's items, an XML app's…) in one run, at the place of its first item. A job goes out in
 * parts that are consecutive slices of its items while the splitter keeps each group in one
 * message wherever its items are: only with every group in one run are the two the same.
 */
export function relatedItemsTogether(items: readonly WpiItem[]): WpiItem[] {
  const groups = new Map<string, WpiItem[]>();
  for (const item of items) {
    const key = relatedGroupKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].flat();
}

/**
 * A stage that runs the phone's queued jobs, one after another, in the interactions that
 * reach it, and records each job's outcome from the phone's answer:
 * - `reply-to … accepted|failed` → the job is done, with the items the phone flagged; a job
 *   too large for one message (the phone's `maxItems`, 50 kB, related groups kept whole) goes
 *   out part by part, each part after the phone accepted the previous one;
 * - `reply-to … busy` → the job stays queued and the interaction ends with CleanUp +
 *   `send-solicited=true`, so the phone calls back when idle (G p.46, p.72);
 * - Restart / SoftwareDeployment / FileDeployment get no reply-to: they are settled by a
 *   later contact, by the rule of the stage that runs them (its JobSettlement: configuration's
 *   restart/, deployment's software-deployment/ and file-deployment/);
 * - a job whose interaction ended without its answer (lost answer, gateway timeout, phone
 *   gone) is queued again when the phone next gets in touch.
 * Every step is idempotent: a redelivered contact yields the same answer and records nothing twice.
 */
@Injectable()
export class JobStageUseCase implements OnApplicationBootstrap {
  constructor(
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(JOB_EVENTS) private readonly events: JobEvents,
    @Inject(Logger) private readonly logger: Logger,
    @Inject(JOB_ITEM_SECRETS) private readonly secrets: JobItemSecrets = PLAIN_ITEMS,
    @Inject(JOB_SETTLEMENT) private readonly settlement: JobSettlement = NO_SETTLEMENT,
    /** Jobs queued and completed, by stage, action and outcome (none where a test builds it alone). */
    @Optional() @Inject(StoreMetrics) private readonly metrics?: StoreMetrics,
    @Optional() @Inject(PIPELINE_STAGE) private readonly stage = 'unknown',
  ) {}

  /**
   * Re-announces what is queued at start-up, so views built from the pending-jobs topic (the
   * gateways' DCMP answers) are right even after a restart or a lost update.
   */
  async onApplicationBootstrap(): Promise<void> {
    const counts = await this.jobs.queuedCounts();
    for (const { mac, queued } of counts) await this.events.pendingChanged(mac, queued);
    if (counts.length > 0) this.logger.info('pending jobs announced', { phones: counts.length });
  }

  /** A command: queue the job (once per request id) and, if asked, get the phone to call back. */
  async request(command: JobRequested): Promise<void> {
    const items = SPLITTABLE.has(command.action) ? relatedItemsTogether(command.items) : command.items;
    const { id, created } = await this.jobs.enqueue(command.mac, command.action, this.secrets.conceal(items), command.requestId);
    if (created) this.metrics?.jobsQueued.inc({ stage: this.stage, action: command.action });
    this.logger.info(created ? 'job queued' : 'job command already queued (redelivery)', {
      mac: command.mac,
      jobId: id,
      requestId: command.requestId,
      action: command.action,
      requestedBy: command.requestedBy,
    });
    await this.events.pendingChanged(command.mac, await this.jobs.countQueued(command.mac));
    if (command.contactMe) await this.events.contactMe(command.mac);
  }

  async handle(contact: ContactEvent): Promise<StageDecision> {
    const log = this.logger.child({ mac: contact.mac, correlationId: contact.interactionId });
    const { message } = contact;

    if (message.reason === 'reply-to' && message.replyTo) {
      const decision = await this.onReply(contact, message.replyTo, log);
      if (decision) return decision;
    }
    await this.settleEarlierJobs(contact, log);
    return this.sendNext(contact, log);
  }

  private async onReply(contact: ContactEvent, reply: { action: string; status: string }, log: Logger): Promise<StageDecision | undefined> {
    if (reply.status === 'busy' && (await this.jobs.requeuedBusyBy(contact.contactId))) {
      // A redelivery: the first delivery may have failed before it announced the new count.
      await this.events.pendingChanged(contact.mac, await this.jobs.countQueued(contact.mac));
      return BUSY_ANSWER();
    }
    const job = await this.jobs.awaitingReply(contact.mac, contact.interactionId, reply.action);
    if (!job) return undefined;
    // This very contact already sent the job's current part: a redelivery, same answer.
    if (job.sentInContact === contact.contactId) return answer(job.action, `job ${job.id}`, this.secrets.reveal(outstandingPart(job)));
    if (reply.status === 'busy') {
      await this.jobs.requeueBusy(job.id, contact.contactId);
      await this.events.pendingChanged(contact.mac, await this.jobs.countQueued(contact.mac));
      log.info('phone busy; job stays queued, phone asked to call back', { jobId: job.id, action: job.action });
      return BUSY_ANSWER();
    }
    const flagged = resultsOf(job.action, contact.message.items);
    if (reply.status === 'accepted' && job.itemsDone + job.partSize < job.items.length) {
      const size = this.partSize(job.items.slice(job.itemsDone + job.partSize), job.action, contact);
      if (size > 0) {
        const advanced = await this.jobs.advance(job, contact.contactId, flagged, size);
        log.info('sending the next part of a job', { jobId: job.id, action: job.action, from: advanced.itemsDone, items: advanced.partSize });
        return answer(job.action, `job ${job.id}`, this.secrets.reveal(outstandingPart(advanced)));
      }
    }
    await this.finish(job, reply.status === 'accepted' ? 'accepted' : 'failed', flagged, log);
    return undefined;
  }

  private async sendNext(contact: ContactEvent, log: Logger): Promise<StageDecision> {
    // Past answerBy the gateway has answered the phone itself (CleanUp): a job taken now would
    // be marked sent while the phone never sees it — e.g. a contact redelivered after this
    // service or the broker came back. The phone's answers above are still recorded.
    if (Date.now() > Date.parse(contact.answerBy)) {
      log.warn('the phone no longer waits for this contact; no job taken', { contactId: contact.contactId, answerBy: contact.answerBy });
      return pass();
    }
    for (;;) {
      let tooLarge: { job?: QueuedJob; error?: WpiSplitError } = {};
      const next = await this.jobs.takeNext(contact.mac, contact.contactId, contact.interactionId, (remaining, action) => {
        try {
          return this.partSize(remaining, action, contact);
        } catch (error) {
          if (!(error instanceof WpiSplitError)) throw error;
          tooLarge = { error };
          return 0;
        }
      });
      if (!next) return pass();
      await this.events.pendingChanged(contact.mac, await this.jobs.countQueued(contact.mac));
      if (tooLarge.error) {
        // A related group larger than the phone can take in one message cannot be sent at all.
        log.error('job cannot be split to fit the phone; failed', { jobId: next.id, error: tooLarge.error.message });
        await this.finish(next, 'failed', [], log);
        tooLarge = {};
        continue;
      }
      log.info('sending queued job', { jobId: next.id, action: next.action, items: next.partSize, of: next.items.length });
      return answer(next.action, `job ${next.id}`, this.secrets.reveal(outstandingPart(next)));
    }
  }

  /** How many of `remaining` fit in the next message to this phone. */
  private partSize(remaining: WpiItem[], action: WpiAction, contact: ContactEvent): number {
    if (!SPLITTABLE.has(action) || remaining.length === 0) return remaining.length;
    const [first] = splitItems(remaining, { maxItems: contact.message.maxItems, action, nonce: contact.message.nonce });
    return first?.length ?? 0;
  }

  /**
   * Records the job's outcome and its completion event in one transaction (the event goes
   * through the stage's outbox): a crash after the commit cannot lose the event, which a
   * redelivered contact could not make again (it finds the job done).
   */
  private async finish(job: QueuedJob, outcome: 'accepted' | 'failed', flagged: WpiItem[], log: Logger): Promise<void> {
    const afterCommit = await this.jobs.transaction(async (tx) => {
      const finished = await this.jobs.complete(job.id, outcome, flagged, tx);
      return finished ? this.events.completed(finished, tx) : undefined;
    });
    if (!afterCommit) return;
    this.metrics?.jobsCompleted.inc({ stage: this.stage, action: job.action, outcome });
    log.info('job answered', { jobId: job.id, action: job.action, outcome, flaggedItems: flagged.length });
    await afterCommit();
  }

  /**
   * Jobs sent earlier and still out: a job that needed a reply-to and was sent in an earlier
   * interaction that ended without it is queued again; a job the phone answers without a
   * reply-to is settled by what this contact shows, by the stage's rule (JobSettlement), or
   * queued again when the rule says the phone never got it.
   */
  private async settleEarlierJobs(contact: ContactEvent, log: Logger): Promise<void> {
    for (const job of await this.jobs.sentJobs(contact.mac)) {
      if (!SETTLED_BY_LATER_CONTACT.has(job.action)) {
        if (sentInThisInteraction(job, contact)) continue;
        await this.jobs.requeueUnanswered(job.id);
        log.warn('job sent in an interaction that ended without its answer; queued again', { jobId: job.id, action: job.action });
        continue;
      }
      const verdict = this.settlement.settle(job, contact);
      if (!verdict) continue;
      if (verdict === 'send-again') {
        await this.jobs.requeueUnanswered(job.id);
        log.warn('job still out, and the phone shows it never got it (or lost it); queued again', { jobId: job.id, action: job.action, reason: contact.message.reason });
        continue;
      }
      log.info('job settled by a later contact', { jobId: job.id, action: job.action, outcome: verdict, reason: contact.message.reason });
      await this.finish(job, verdict, [], log);
    }
  }
}

/**
 * What is kept of the phone's answer: for ReadItems every item read (that is the point of the
 * job), secrets masked; for other actions only the items the phone flagged with a status.
 */
function resultsOf(action: WpiAction, items: WpiItem[]): WpiItem[] {
  if (action === 'ReadItems') return maskSecretItems(items);
  return maskSecretItems(items.filter((i) => i.status !== undefined));
}
