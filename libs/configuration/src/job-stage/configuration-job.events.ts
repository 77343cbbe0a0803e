import { Inject, Injectable } from '@nestjs/common';
import { BusJobEvents, type JobEvents, type QueuedJob } from '@workpoint/jobs';
import type { EntityManager } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';

/** Configuration's job events: every answered job also updates what the phone has (a write's items, item by item). */
@Injectable()
export class ConfigurationJobEvents implements JobEvents {
  constructor(
    @Inject(ConfigurationSync) private readonly sync: ConfigurationSync,
    @Inject(BusJobEvents) private readonly events: BusJobEvents,
  ) {}

  completed(job: QueuedJob, tx: EntityManager): Promise<void> {
    return this.events.completed(job, tx);
  }

  /** After the job's commit, in a transaction of its own (it locks the phone's desired state). */
  async afterCompleted(job: QueuedJob): Promise<void> {
    await this.sync.onWriteAnswered(job);
    await this.events.afterCompleted();
  }

  pendingChanged(mac: string, queued: number): Promise<void> {
    return this.events.pendingChanged(mac, queued);
  }

  contactMe(mac: string): Promise<void> {
    return this.events.contactMe(mac);
  }
}
