import { Inject, Injectable } from '@nestjs/common';
import { BusJobEvents, type JobEvents, type QueuedJob } from '@workpoint/jobs';
import { ConfigurationSync } from '../desired-state/configuration-sync';

/** Configuration's job events: every answered job also updates what the phone has (a write's items, item by item). */
@Injectable()
export class ConfigurationJobEvents implements JobEvents {
  constructor(
    @Inject(ConfigurationSync) private readonly sync: ConfigurationSync,
    @Inject(BusJobEvents) private readonly events: BusJobEvents,
  ) {}

  async completed(job: QueuedJob): Promise<void> {
    await this.sync.onWriteAnswered(job);
    await this.events.completed(job);
  }

  pendingChanged(mac: string, queued: number): Promise<void> {
    return this.events.pendingChanged(mac, queued);
  }

  contactMe(mac: string): Promise<void> {
    return this.events.contactMe(mac);
  }
}
