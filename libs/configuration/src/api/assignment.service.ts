import { Injectable } from '@nestjs/common';
import { SecretBox } from '@workpoint/contact-pipeline';
import type { Principal } from '@workpoint/http-api';
import { DataSource, type EntityManager } from 'typeorm';
import { checkProfile } from '../desired-state/profile-rules';
import { DesiredStateStore } from '../desired-state/desired-state.store';
import type { StoredItem } from '../desired-state/stored-profile';
import { AuditLog } from './access';
import { ChangeFanout } from './change-fanout';
import { ConfigurationError } from './configuration.error';
import { ManagedPhoneRepository } from './managed-phone.repository';
import { assignmentView } from './phone.service';
import { draftItems, type ItemInput, keptSecrets, storeItems } from './profile-items';
import { ProfileRepository } from './profile.repository';

export interface AssignmentChange {
  e164?: string | null | undefined;
  model?: string | null | undefined;
  site?: string | null | undefined;
  tags?: string[] | undefined;
  user?: string | null | undefined;
  profiles?: string[] | undefined;
  overrides?: ItemInput[] | undefined;
  version?: number | undefined;
}

/** Assignments: what decides a phone's configuration, one phone at a time or a profile on many. */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly db: DataSource,
    private readonly store: DesiredStateStore,
    private readonly phones: ManagedPhoneRepository,
    private readonly profiles: ProfileRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
  ) {}

  /** Sets a phone's assignment (creating the phone's entry when it is new); only the fields given change. */
  async assign(mac: string, change: AssignmentChange, by: Principal, requestId: string) {
    const saved = await this.store.withPhoneLocked(mac, async (before, tx) => {
      await this.assertProfilesExist(tx, change.profiles ?? []);
      if (change.version !== undefined && change.version !== before.assignment.version) {
        throw new ConfigurationError('version-conflict', `the assignment was changed meanwhile (now version ${before.assignment.version})`, { currentVersion: before.assignment.version });
      }
      if (change.overrides) checkOverrides(change.overrides, before.assignment.overrides);
      const overrides = change.overrides ? storeItems(change.overrides, before.assignment.overrides, this.box) : before.assignment.overrides;
      const updated = await this.phones.assign(tx, mac, {
        e164: pick(change.e164, before.assignment.e164),
        model: pick(change.model, before.assignment.model),
        site: pick(change.site, before.assignment.site),
        tags: change.tags ?? before.assignment.tags,
        userName: pick(change.user, before.assignment.userName),
        profiles: change.profiles ?? before.assignment.profiles,
        overrides,
      });
      await this.audit.record(tx, by, 'assignment.update', 'phone', mac, assignmentView(before), assignmentView(updated), requestId);
      // The re-plan is recorded with the change (ChangeFanout), so a crash right after the commit loses neither.
      await this.fanout.start({ kind: 'macs', macs: [mac] }, `assignment of ${mac} changed`, tx);
      return updated;
    });
    return assignmentView(saved);
  }

  /** Adds (or removes) a phone-layer profile on many phones at once. */
  async assignProfile(profile: string, given: string[], add: boolean, by: Principal, requestId: string) {
    // One MAC given twice (in two notations, say) is one phone.
    const macs = [...new Set(given)];
    const { changed, affected } = await this.db.transaction(async (tx) => {
      await this.assertProfilesExist(tx, [profile]);
      if (add) await this.phones.addMissing(tx, macs);
      const changedMacs = await this.phones.toggleProfile(tx, macs, profile, add);
      await this.audit.recordMany(tx, by, add ? 'assignment.add-profile' : 'assignment.remove-profile', 'phone', changedMacs.map((m) => ({ id: m, before: null, after: { profile } })), requestId);
      return { changed: changedMacs, affected: await this.fanout.start({ kind: 'macs', macs: changedMacs }, `profile ${profile} ${add ? 'assigned' : 'unassigned'}`, tx) };
    });
    return { changed: changed.length, unchanged: macs.length - changed.length, affectedPhones: affected };
  }

  /** Checks under the profile writes lock (shared), held until `tx` ends: no profile named here is deleted before the commit. */
  private async assertProfilesExist(tx: EntityManager, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.profiles.lockWritesShared(tx);
    const found = await this.profiles.existing(tx, names);
    const missing = names.filter((n) => !found.has(n));
    if (missing.length > 0) throw new ConfigurationError('unknown-profile', `no profile named ${missing.map((m) => `"${m}"`).join(', ')}`, missing.map((m) => ({ path: 'body.profiles', message: `unknown profile "${m}"` })));
  }
}

const pick = <T>(given: T | undefined, current: T) => (given === undefined ? current : given);

/** The phone's own values pass the same checks as a profile's items: one bad override would stop every write to the phone. */
function checkOverrides(overrides: readonly ItemInput[], previous: readonly StoredItem[]): void {
  const { errors } = checkProfile({ name: 'overrides', layer: 'phone', items: draftItems(overrides) }, new Map(), keptSecrets(previous));
  if (errors.length === 0) return;
  throw new ConfigurationError('invalid-overrides',
    `the overrides have ${errors.length} problem(s); nothing was saved`,
    errors.map((e) => ({ path: `body.overrides${e.path.slice('items'.length)}`, message: e.message })),
  );
}
