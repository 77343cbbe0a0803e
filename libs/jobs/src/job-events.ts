import { Inject, Injectable } from '@nestjs/common';
import { PIPELINE_STAGE } from '@workpoint/contact-pipeline';
import { ContactMeRequestedTopic, JOB_TOPICS, type JobStage } from '@workpoint/contracts';
import { BUS, type Bus } from '@workpoint/messaging';
import type { QueuedJob } from './job-queue';

/** What a job stage tells the rest of the world. */
export interface JobEvents {
  /** The phone answered a job (or a later contact settled it). */
  completed(job: QueuedJob): Promise<void>;
  /** The number of jobs queued for the phone may have changed. */
  pendingChanged(mac: string, queued: number): Promise<void>;
  /** The phone should call back now. */
  contactMe(mac: string): Promise<void>;
}

/** Injection token of a job stage's {@link JobEvents} (BusJobEvents unless the stage adds to it). */
export const JOB_EVENTS = Symbol('JOB_EVENTS');

/** The job stage's events, published on its topics. */
@Injectable()
export class BusJobEvents implements JobEvents {
  constructor(
    @Inject(PIPELINE_STAGE) private readonly stage: JobStage,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  async completed(job: QueuedJob): Promise<void> {
    if (!job.outcome || !job.completedAt) return;
    await this.bus.publish(JOB_TOPICS[this.stage].completed, job.mac, {
      requestId: job.requestId,
      jobId: job.id,
      mac: job.mac,
      action: job.action,
      outcome: job.outcome,
      itemResults: job.itemResults ?? [],
      busyCount: job.busyCount,
      completedAt: new Date(job.completedAt).toISOString(),
    });
  }

  async pendingChanged(mac: string, queued: number): Promise<void> {
    await this.bus.publish(JOB_TOPICS[this.stage].pending, mac, { mac, queued, at: new Date().toISOString() });
  }

  async contactMe(mac: string): Promise<void> {
    await this.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: this.stage, at: new Date().toISOString() });
  }
}
