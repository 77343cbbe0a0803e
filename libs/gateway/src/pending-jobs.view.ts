import { Injectable } from '@nestjs/common';
import type { JobStage, PendingJobs } from '@workpoint/contracts';

/** Jobs queued for one phone, per service that runs jobs. */
export type PendingCounts = Record<JobStage, number>;

/**
 * This gateway instance's own view of which phones have jobs queued, built from the services'
 * compacted pending-jobs topics (no memory shared between gateways). Only phones with at least
 * one job are kept, so the map's size follows the work queued, not the fleet.
 *
 * Updates are applied in the order they arrive, not by their `at`: per MAC that is the topic's
 * order, which is also what compaction keeps, so a rebuilt view ends where a live one does.
 */
@Injectable()
export class PendingJobsView {
  private readonly byMac = new Map<string, PendingCounts>();

  apply(stage: JobStage, update: PendingJobs): void {
    const next: PendingCounts = { ...(this.byMac.get(update.mac) ?? { configuration: 0, deployment: 0 }), [stage]: update.queued };
    if (next.configuration === 0 && next.deployment === 0) this.byMac.delete(update.mac);
    else this.byMac.set(update.mac, next);
  }

  /** `mac` in upper-case colon form (see `normaliseMac`). */
  countsOf(mac: string): PendingCounts | undefined {
    const counts = this.byMac.get(mac);
    return counts ? { ...counts } : undefined;
  }

  hasPending(mac: string): boolean {
    return this.byMac.has(mac);
  }

  /** Phones with at least one job queued. */
  get size(): number {
    return this.byMac.size;
  }
}
