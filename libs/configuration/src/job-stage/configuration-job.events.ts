import { Inject, Injectable } from '@nestjs/common';
import { type AfterCommit, BusJobEvents, type JobEvents, type QueuedJob } from '@workpoint/jobs';
import type { EntityManager } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';

/** Configuration's job events: every answered job also updates what the phone has (a write's items, item by item). */
@Injectable()
export class ConfigurationJobEvents implements JobEvents {
  constructor(
    @Inject(ConfigurationSync) private readonly sync: ConfigurationSync,
    @Inject(BusJobEvents) private readonly events: BusJobEvents,
  ) {}

  /** In the job's completion transaction: what the phone has now (and its ConfigApplied), and the completion event. */
  async completed(job: QueuedJob, tx: EntityManager): Promise<AfterCommit> {
    const written = await this.sync.onWriteAnswered(job, tx);
    const published = await this.events.completed(job, tx);
    return async () => {
      await written();
      await published();
    };
  }

  pendingChanged(mac: string, queued: number): Promise<void> {
    return this.events.pendingChanged(mac, queued);
  }

  contactMe(mac: string): Promise<void> {
    return this.events.contactMe(mac);
  }
}
