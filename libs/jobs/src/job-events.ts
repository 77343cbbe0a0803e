import { Inject, Injectable, Optional } from '@nestjs/common';
import { PIPELINE_STAGE } from '@workpoint/contact-pipeline';
import { ContactMeRequestedTopic, deterministicEventId, JOB_TOPICS, type JobCompleted, type JobStage } from '@workpoint/contracts';
import { Outbox } from '@workpoint/database';
import { BUS, type Bus } from '@workpoint/messaging';
import type { EntityManager } from 'typeorm';
import type { QueuedJob } from './job-queue';

/** What a job stage tells the rest of the world. */
export interface JobEvents {
  /**
   * The phone answered a job (or a later contact settled it): called in the transaction that
   * records the outcome, so what follows from it (the event, through the outbox) is written with
   * it; resolves with what to do once that transaction committed (publish soon). A crash between
   * the two delays the event, never loses it.
   */
  completed(job: QueuedJob, tx: EntityManager): Promise<AfterCommit>;
  /**
   * The number of jobs queued for the phone may have changed. Published at once: the topic is
   * compacted (latest count per phone), every caller recounts, and a redelivered contact or
   * command publishes it again.
   */
  pendingChanged(mac: string, queued: number): Promise<void>;
  /** The phone should call back now. */
  contactMe(mac: string): Promise<void>;
}

/** What to do once a transaction committed. */
export type AfterCommit = () => Promise<void>;

/** Injection token of a job stage's {@link JobEvents} (BusJobEvents unless the stage adds to it). */
export const JOB_EVENTS = Symbol('JOB_EVENTS');

/** Injection token of the outbox that carries a job stage's `*.job.completed.v1` events (in the stage's `outbox` table). */
export const JOB_OUTBOX = Symbol('JOB_OUTBOX');

/** A job's completion event; its eventId follows from the job, so a re-send is the same event. */
export function jobCompletedEvent(stage: JobStage, job: QueuedJob): JobCompleted | undefined {
  if (!job.outcome || !job.completedAt) return undefined;
  return {
    eventId: deterministicEventId(job.id, JOB_TOPICS[stage].completed.name),
    requestId: job.requestId,
    jobId: job.id,
    mac: job.mac,
    action: job.action,
    outcome: job.outcome,
    itemResults: job.itemResults ?? [],
    busyCount: job.busyCount,
    completedAt: new Date(job.completedAt).toISOString(),
  };
}

/**
 * The job stage's events: completions through the stage's outbox, the rest published on its
 * topics. The outbox is JobStageModule's; code outside the job stage that only announces
 * (configuration's desired state: pending counts, contact-me) has none, and never completes a job.
 */
@Injectable()
export class BusJobEvents implements JobEvents {
  constructor(
    @Inject(PIPELINE_STAGE) private readonly stage: JobStage,
    @Inject(BUS) private readonly bus: Bus,
    @Optional() @Inject(JOB_OUTBOX) private readonly outbox?: Outbox,
  ) {}

  async completed(job: QueuedJob, tx: EntityManager): Promise<AfterCommit> {
    const { outbox } = this;
    if (!outbox) throw new Error(`${this.stage}: job completions need the job stage's outbox (JobStageModule)`);
    const event = jobCompletedEvent(this.stage, job);
    if (event) await outbox.add(tx, JOB_TOPICS[this.stage].completed, job.mac, event);
    return async () => outbox.kick();
  }

  async pendingChanged(mac: string, queued: number): Promise<void> {
    await this.bus.publish(JOB_TOPICS[this.stage].pending, mac, { mac, queued, at: new Date().toISOString() });
  }

  async contactMe(mac: string): Promise<void> {
    await this.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: this.stage, at: new Date().toISOString() });
  }
}
