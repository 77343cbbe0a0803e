import type { Logger } from '@workpoint/logging';
import type { DataSource } from 'typeorm';
import type { ConfigurationSync } from '../desired-state/configuration-sync';
import type { StoredProfile } from '../desired-state/stored-profile';

/** Which phones a change may concern. */
export type ChangeScope = { kind: 'all' } | { kind: 'macs'; macs: string[] } | { kind: 'profile'; profile: Pick<StoredProfile, 'layer' | 'selector' | 'name'>; dependents: string[] } | { kind: 'site'; site: string };

/** Default of `DORMANT_AFTER_HOURS`. */
export const DEFAULT_DORMANT_AFTER_HOURS = 24;

/**
 * A **dormant** phone is left out of fleet-wide re-plans (scopes `all`, `site`, `profile`), so
 * MACs that made contact once and never again cost nothing there, however many a hostile
 * network invents. All of these hold:
 * 1. no assignment: the operator never assigned it anything (`assigned_at` is null);
 * 2. one interaction: every contact that reached configuration was in one interaction;
 * 3. it was asked to call back (a fleet-wide change gave it something to write) and has not
 *    been in touch since, for `DORMANT_AFTER_HOURS` (its last contact is older still).
 * Safe for real phones: a real phone answers a contact-me within minutes (or its next DCMP
 * poll sees the job), which is a second interaction; any phone the operator assigned is never
 * dormant; a per-phone change (scope `macs`: assignment, import, profile assignment) still
 * reaches it; and a dormant phone is planned again at its next contact, whatever the reason
 * (start-up after a power cut, local change), exactly like a phone that never made contact.
 * So a phone is only skipped after it ignored one call-back for a day, and each invented MAC
 * costs at most one re-plan with a contact-me, ever.
 */
const DORMANT = `(assigned_at IS NULL AND interactions <= 1 AND call_back_asked_at IS NOT NULL
  AND call_back_asked_at >= last_contact_at AND call_back_asked_at < $1)`;

/**
 * After a change of what phones should have, re-plans each phone it may concern (known
 * phones only — one that never made contact gets everything at its first start-up; dormant
 * one-off phones only when the change names them) and asks those with something to write to
 * call back. Runs in the background, a few phones at a time; inventory paces the contact-me
 * requests themselves.
 */
export class ChangeFanout {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly sync: ConfigurationSync,
    private readonly logger: Logger,
    private readonly dormantAfterMs = DEFAULT_DORMANT_AFTER_HOURS * 3600_000,
    private readonly clock: () => Date = () => new Date(),
    private readonly concurrency = 8,
  ) {}

  async affected(scope: ChangeScope): Promise<string[]> {
    // $1 is the dormancy cutoff. Fleet-wide scopes skip dormant phones; a change that names phones reaches them all.
    const known = scope.kind === 'macs' ? 'last_contact_at IS NOT NULL AND $1::timestamptz IS NOT NULL' : `last_contact_at IS NOT NULL AND NOT ${DORMANT}`;
    const cutoff = new Date(this.clock().getTime() - this.dormantAfterMs);
    const macs = async (sql: string, params: unknown[]) =>
      ((await this.db.query(`SELECT mac FROM managed_phone WHERE ${known} AND (${sql})`, [cutoff, ...params])) as { mac: string }[]).map((r) => r.mac);
    switch (scope.kind) {
      case 'all':
        return macs('true', []);
      case 'macs':
        return macs('mac = ANY($2)', [scope.macs]);
      case 'site':
        return macs('site = $2', [scope.site]);
      case 'profile': {
        // A profile reaches phones directly and through every profile that extends it.
        if (scope.dependents.length > 0 || scope.profile.layer === 'fleet') return macs('true', []);
        const { layer, selector, name } = scope.profile;
        if (layer === 'site') return macs('site = $2', [selector]);
        if (layer === 'model') return macs('coalesce(device_type, model) = $2', [selector]);
        if (layer === 'group') return macs('$2 = ANY(tags)', [selector]);
        return macs('$2 = ANY(profiles)', [name]);
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
          if ((await this.sync.resync(mac, cause)).pending) {
            writes++;
            await this.askedToCallBack(mac);
          }
        } catch (error) {
          failed++;
          this.logger.error('re-planning a phone after a change failed; it is planned again at its next contact', { mac, cause, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, macs.length) }, worker));
    this.logger.info('phones re-planned after a change', { cause, phones: macs.length, withWrites: writes, failed });
  }

  /** Notes the first call-back asked for since the phone's last contact (the clock of the dormant rule). */
  private async askedToCallBack(mac: string): Promise<void> {
    await this.db.query(
      'UPDATE managed_phone SET call_back_asked_at = $2 WHERE mac = $1 AND (call_back_asked_at IS NULL OR call_back_asked_at < last_contact_at)',
      [mac, this.clock()],
    );
  }
}
