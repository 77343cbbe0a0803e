import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@workpoint/http-api';
import { Logger } from '@workpoint/logging';
import { DataSource, type EntityManager } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { DesiredStateStore } from '../desired-state/desired-state.store';
import { checkProfile, type RuleProblem } from '../desired-state/profile-rules';
import { SecretBox } from '@workpoint/contact-pipeline';
import type { StoredProfile } from '../desired-state/stored-profile';
import { actorOf, AuditLog } from './access';
import type { ProfileInputT } from './api-schemas';
import { ChangeFanout } from './change-fanout';
import { effectiveView, writesView } from './views';
import { draftItems, keptSecrets, presentItems, storeItems } from './profile-items';
import { ConfigurationError } from './configuration.error';
import { ManagedPhoneRepository } from './managed-phone.repository';
import { type ProfileFields, ProfileRepository } from './profile.repository';

export function profileView(p: StoredProfile) {
  return { ...p, items: presentItems(p.items) };
}

/**
 * Profiles: create, change, delete, preview. Writes are serialised (one advisory lock), so two
 * changes can never close a layering cycle between them; a change carries the version it was
 * based on and is refused (409) when someone else changed the profile since — no lost update.
 */
@Injectable()
export class ProfileService {
  constructor(
    private readonly db: DataSource,
    private readonly profiles: ProfileRepository,
    private readonly phones: ManagedPhoneRepository,
    private readonly store: DesiredStateStore,
    private readonly box: SecretBox,
    private readonly sync: ConfigurationSync,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
    private readonly logger: Logger,
  ) {}

  async list() {
    return (await this.profiles.list()).map(profileView);
  }

  async get(name: string) {
    return profileView(await this.stored(name));
  }

  async create(input: ProfileInputT, by: Principal, requestId: string) {
    const saved = await this.db.transaction(async (tx) => {
      await this.profiles.lockWrites(tx);
      if (await this.profiles.find(input.name, tx)) throw new ConfigurationError('profile-exists', `a profile named "${input.name}" exists`);
      const warnings = await this.check(tx, input, []);
      const now = new Date().toISOString();
      const profile: StoredProfile = {
        id: randomUUID(),
        ...storedFields(input, [], this.box),
        version: 1,
        createdAt: now,
        updatedAt: now,
        updatedBy: actorOf(by),
      };
      await this.profiles.insert(tx, profile);
      await this.audit.record(tx, by, 'profile.create', 'profile', profile.name, null, profileView(profile), requestId);
      return { profile, warnings, affectedPhones: await this.fanOut(tx, profile, `profile ${profile.name} created`) };
    });
    return { profile: profileView(saved.profile), warnings: saved.warnings, affectedPhones: saved.affectedPhones };
  }

  async update(name: string, input: ProfileInputT & { version: number }, by: Principal, requestId: string) {
    if (input.name !== name) throw new ConfigurationError('invalid-request', 'a profile cannot be renamed; create a new one', [{ path: 'body.name', message: `must be "${name}"` }]);
    const saved = await this.db.transaction(async (tx) => {
      await this.profiles.lockWrites(tx);
      const before = await this.stored(name, tx);
      if (before.version !== input.version) throw conflict(before);
      const warnings = await this.check(tx, input, before.items);
      const f = storedFields(input, before.items, this.box);
      const after = await this.profiles.update(tx, name, input.version, f, actorOf(by));
      await this.audit.record(tx, by, 'profile.update', 'profile', name, profileView(before), profileView(after), requestId);
      // Phones the profile applied to before, and those it applies to now.
      const affected = (await this.fanOut(tx, before, `profile ${name} changed`)) + (sameScope(before, after) ? 0 : await this.fanOut(tx, after, `profile ${name} changed`));
      return { after, warnings, affected };
    });
    return { profile: profileView(saved.after), warnings: saved.warnings, affectedPhones: saved.affected };
  }

  async remove(name: string, version: number | undefined, by: Principal, requestId: string) {
    const before = await this.db.transaction(async (tx) => {
      await this.profiles.lockWrites(tx);
      const profile = await this.stored(name, tx);
      if (version !== undefined && profile.version !== version) throw conflict(profile);
      const users = await this.profiles.extendersOf(name, tx);
      if (users.length > 0) throw new ConfigurationError('profile-in-use', `extended by ${users.join(', ')}`);
      const n = await this.phones.countAssigned(name, tx);
      if (n > 0) throw new ConfigurationError('profile-in-use', `assigned to ${n} phone(s); unassign it first`);
      await this.profiles.delete(tx, name);
      await this.audit.record(tx, by, 'profile.delete', 'profile', name, profileView(profile), null, requestId);
      return this.fanOut(tx, profile, `profile ${name} deleted`);
    });
    return { affectedPhones: before };
  }

  /** The effective configuration a phone would get if this draft were saved, and what would be written. */
  async preview(mac: string, draft: ProfileInputT) {
    const phone = await this.store.findPhone(mac);
    if (!phone) throw new ConfigurationError('phone-not-found', `no phone ${mac}`);
    const desired = await this.store.desired();
    const existing = desired.profiles.find((p) => p.name === draft.name);
    const problems = checkProfile(
      { ...draft, items: draftItems(draft.items) },
      new Map(desired.profiles.filter((p) => p.name !== draft.name).map((p) => [p.name, p.extends])),
      keptSecrets(existing?.items ?? []),
    );
    const candidate: StoredProfile = {
      ...(existing ?? { id: 'preview', createdAt: '', updatedAt: '', updatedBy: '', version: 0 }),
      ...storedFields(draft, existing?.items ?? [], this.box),
    };
    const profiles = [...desired.profiles.filter((p) => p.name !== draft.name), candidate];
    const { effective, plan } = this.sync.plan(phone, { ...desired, profiles });
    return { effective: effectiveView(effective), pendingWrites: writesView(plan?.write ?? []), ...problems };
  }

  private async stored(name: string, tx?: EntityManager): Promise<StoredProfile> {
    const profile = await this.profiles.find(name, tx);
    if (!profile) throw new ConfigurationError('profile-not-found', `no profile named "${name}"`);
    return profile;
  }

  private async check(tx: EntityManager, input: ProfileInputT, previous: StoredProfile['items']): Promise<RuleProblem[]> {
    const others = await this.profiles.othersExtends(tx, input.name);
    const { errors, warnings } = checkProfile({ ...input, items: draftItems(input.items) }, others, keptSecrets(previous));
    if (errors.length > 0) {
      this.logger.info('profile refused', { profile: input.name, errors: errors.length });
      throw new ConfigurationError('invalid-profile', `the profile has ${errors.length} problem(s); nothing was saved`, errors.map((e) => ({ path: `body.${e.path}`, message: e.message })));
    }
    return warnings;
  }

  /** Records the re-plan in the change's transaction (ChangeFanout), so a crash right after the commit loses neither. */
  private async fanOut(tx: EntityManager, profile: StoredProfile, cause: string): Promise<number> {
    const dependents = await this.profiles.extendersOf(profile.name, tx);
    return this.fanout.start({ kind: 'profile', profile, dependents }, cause, tx);
  }
}

/** What an operator's profile input stores: defaults filled in, secret values sealed (or kept from `previous`). */
function storedFields(input: ProfileInputT, previous: StoredProfile['items'], box: SecretBox): ProfileFields {
  return {
    name: input.name,
    description: input.description ?? null,
    layer: input.layer,
    selector: input.selector ?? null,
    priority: input.priority ?? 0,
    extends: input.extends ?? [],
    mergeIndexedGroups: input.mergeIndexedGroups ?? false,
    items: storeItems(input.items, previous, box),
  };
}

function conflict(current: StoredProfile): ConfigurationError {
  return new ConfigurationError('version-conflict', `the profile was changed meanwhile (now version ${current.version}); read it again and re-apply your change`, { currentVersion: current.version });
}

const sameScope = (a: StoredProfile, b: StoredProfile) => a.layer === b.layer && a.selector === b.selector;
