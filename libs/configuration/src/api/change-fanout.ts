import type { Logger } from '@workpoint/logging';
import type { DataSource } from 'typeorm';
import type { ConfigurationSync } from '../desired-state/configuration-sync';
import type { StoredProfile } from '../desired-state/stored-profile';

/** Which phones a change may concern. */
export type ChangeScope = { kind: 'all' } | { kind: 'macs'; macs: string[] } | { kind: 'profile'; profile: Pick<StoredProfile, 'layer' | 'selector' | 'name'>; dependents: string[] } | { kind: 'site'; site: string };

/**
 * After a change of what phones should have, re-plans each phone it may concern (known
 * phones only — one that never made contact gets everything at its first start-up) and asks
 * those with something to write to call back. Runs in the background, a few phones at a time;
 * inventory paces the contact-me requests themselves.
 */
export class ChangeFanout {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly sync: ConfigurationSync,
    private readonly logger: Logger,
    private readonly concurrency = 8,
  ) {}

  async affected(scope: ChangeScope): Promise<string[]> {
    const known = 'last_contact_at IS NOT NULL';
    const macs = async (sql: string, params: unknown[]) => ((await this.db.query(`SELECT mac FROM managed_phone WHERE ${known} AND (${sql})`, params)) as { mac: string }[]).map((r) => r.mac);
    switch (scope.kind) {
      case 'all':
        return macs('true', []);
      case 'macs':
        return macs('mac = ANY($1)', [scope.macs]);
      case 'site':
        return macs('site = $1', [scope.site]);
      case 'profile': {
        // A profile reaches phones directly and through every profile that extends it.
        if (scope.dependents.length > 0 || scope.profile.layer === 'fleet') return macs('true', []);
        const { layer, selector, name } = scope.profile;
        if (layer === 'site') return macs('site = $1', [selector]);
        if (layer === 'model') return macs('coalesce(device_type, model) = $1', [selector]);
        if (layer === 'group') return macs('$1 = ANY(tags)', [selector]);
        return macs('$1 = ANY(profiles)', [name]);
      }
    }
  }

  /** Starts re-planning; resolves at once with the number of phones concerned. */
  async start(scope: ChangeScope, cause: string): Promise<number> {
    const macs = await this.affected(scope);
    if (macs.length === 0) return 0;
    const run = this.resyncAll(macs, cause).finally(() => this.running.delete(run));
    this.running.add(run);
    return macs.length;
  }

  /** Waits for the re-planning in progress (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async resyncAll(macs: string[], cause: string): Promise<void> {
    let next = 0;
    let writes = 0;
    let failed = 0;
    const worker = async () => {
      while (next < macs.length) {
        const mac = macs[next++]!;
        try {
          if ((await this.sync.resync(mac, cause)).pending) writes++;
        } catch (error) {
          failed++;
          this.logger.error('re-planning a phone after a change failed; it is planned again at its next contact', { mac, cause, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, macs.length) }, worker));
    this.logger.info('phones re-planned after a change', { cause, phones: macs.length, withWrites: writes, failed });
  }
}
