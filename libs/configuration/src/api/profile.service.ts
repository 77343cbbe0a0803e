import { randomUUID } from 'node:crypto';
import { HttpError, type Principal } from '@workpoint/http-api';
import type { Logger } from '@workpoint/logging';
import type { DataSource, EntityManager } from 'typeorm';
import type { ConfigurationSync } from '../desired-state/configuration-sync';
import { type DesiredStateStore, toStoredProfile } from '../desired-state/desired-state.store';
import { checkProfile, type RuleProblem } from '../desired-state/profile-rules';
import type { SecretBox } from '@workpoint/contact-pipeline';
import type { StoredProfile } from '../desired-state/stored-profile';
import { actorOf, type AuditLog } from './access';
import type { ProfileInputT } from './api-schemas';
import type { ChangeFanout } from './change-fanout';
import { effectiveView, writesView } from './views';
import { draftItems, keptSecrets, presentItems, storeItems } from './profile-items';

/**
 * Profile writes hold this advisory lock exclusively; writes that name profiles (assignments,
 * imports) hold it shared, so a profile cannot be deleted between their check that it exists
 * and their commit.
 */
export const PROFILE_WRITES_LOCK = "hashtext('workpoint.profile-writes')";

export function profileView(p: StoredProfile) {
  return { ...p, items: presentItems(p.items) };
}

/**
 * Profiles: create, change, delete, preview. Writes are serialised (one advisory lock), so two
 * changes can never close a layering cycle between them; a change carries the version it was
 * based on and is refused (409) when someone else changed the profile since — no lost update.
 */
export class ProfileService {
  constructor(
    private readonly db: DataSource,
    private readonly store: DesiredStateStore,
    private readonly box: SecretBox,
    private readonly sync: ConfigurationSync,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
    private readonly logger: Logger,
  ) {}

  async list() {
    return ((await this.db.query('SELECT * FROM profile ORDER BY layer, selector NULLS FIRST, priority, name')) as Record<string, unknown>[]).map((r) => profileView(toStoredProfile(r)));
  }

  async get(name: string) {
    return profileView(await this.stored(this.db, name));
  }

  async create(input: ProfileInputT, by: Principal, requestId: string) {
    const saved = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${PROFILE_WRITES_LOCK})`);
      if ((await tx.query('SELECT 1 FROM profile WHERE name = $1', [input.name])).length > 0) throw new HttpError(409, 'profile-exists', `a profile named "${input.name}" exists`);
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
      await tx.query(
        `INSERT INTO profile (id, name, description, layer, selector, priority, extends, merge_indexed_groups, items, version, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10, $11)`,
        [profile.id, profile.name, profile.description, profile.layer, profile.selector, profile.priority, profile.extends, profile.mergeIndexedGroups, JSON.stringify(profile.items), now, profile.updatedBy],
      );
      await this.audit.record(tx, by, 'profile.create', 'profile', profile.name, null, profileView(profile), requestId);
      return { profile, warnings, affectedPhones: await this.fanOut(tx, profile, `profile ${profile.name} created`) };
    });
    return { profile: profileView(saved.profile), warnings: saved.warnings, affectedPhones: saved.affectedPhones };
  }

  async update(name: string, input: ProfileInputT & { version: number }, by: Principal, requestId: string) {
    if (input.name !== name) throw new HttpError(400, 'invalid-request', 'a profile cannot be renamed; create a new one', [{ path: 'body.name', message: `must be "${name}"` }]);
    const saved = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${PROFILE_WRITES_LOCK})`);
      const before = await this.stored(tx, name);
      if (before.version !== input.version) throw conflict(before);
      const warnings = await this.check(tx, input, before.items);
      const f = storedFields(input, before.items, this.box);
      const [[row]] = (await tx.query(
        `UPDATE profile SET description = $2, layer = $3, selector = $4, priority = $5, extends = $6, merge_indexed_groups = $7, items = $8,
           version = version + 1, updated_at = now(), updated_by = $9 WHERE name = $1 AND version = $10 RETURNING *`,
        [name, f.description, f.layer, f.selector, f.priority, f.extends, f.mergeIndexedGroups, JSON.stringify(f.items), actorOf(by), input.version],
      )) as [Record<string, unknown>[], number];
      const after = toStoredProfile(row!);
      await this.audit.record(tx, by, 'profile.update', 'profile', name, profileView(before), profileView(after), requestId);
      // Phones the profile applied to before, and those it applies to now.
      const affected = (await this.fanOut(tx, before, `profile ${name} changed`)) + (sameScope(before, after) ? 0 : await this.fanOut(tx, after, `profile ${name} changed`));
      return { after, warnings, affected };
    });
    return { profile: profileView(saved.after), warnings: saved.warnings, affectedPhones: saved.affected };
  }

  async remove(name: string, version: number | undefined, by: Principal, requestId: string) {
    const before = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${PROFILE_WRITES_LOCK})`);
      const profile = await this.stored(tx, name);
      if (version !== undefined && profile.version !== version) throw conflict(profile);
      const users = (await tx.query('SELECT name FROM profile WHERE $1 = ANY(extends)', [name])) as { name: string }[];
      if (users.length > 0) throw new HttpError(409, 'profile-in-use', `extended by ${users.map((u) => u.name).join(', ')}`);
      const [{ n }] = (await tx.query('SELECT count(*)::int AS n FROM managed_phone WHERE $1 = ANY(profiles)', [name])) as [{ n: number }];
      if (n > 0) throw new HttpError(409, 'profile-in-use', `assigned to ${n} phone(s); unassign it first`);
      await tx.query('DELETE FROM profile WHERE name = $1', [name]);
      await this.audit.record(tx, by, 'profile.delete', 'profile', name, profileView(profile), null, requestId);
      return this.fanOut(tx, profile, `profile ${name} deleted`);
    });
    return { affectedPhones: before };
  }

  /** The effective configuration a phone would get if this draft were saved, and what would be written. */
  async preview(mac: string, draft: ProfileInputT) {
    const phone = await this.store.findPhone(mac);
    if (!phone) throw new HttpError(404, 'phone-not-found', `no phone ${mac}`);
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

  private async stored(db: DataSource | EntityManager, name: string): Promise<StoredProfile> {
    const [row] = (await db.query('SELECT * FROM profile WHERE name = $1', [name])) as Record<string, unknown>[];
    if (!row) throw new HttpError(404, 'profile-not-found', `no profile named "${name}"`);
    return toStoredProfile(row);
  }

  private async check(tx: EntityManager, input: ProfileInputT, previous: StoredProfile['items']): Promise<RuleProblem[]> {
    const others = (await tx.query('SELECT name, extends FROM profile WHERE name <> $1', [input.name])) as { name: string; extends: string[] }[];
    const { errors, warnings } = checkProfile({ ...input, items: draftItems(input.items) }, new Map(others.map((o) => [o.name, o.extends])), keptSecrets(previous));
    if (errors.length > 0) {
      this.logger.info('profile refused', { profile: input.name, errors: errors.length });
      throw new HttpError(422, 'invalid-profile', `the profile has ${errors.length} problem(s); nothing was saved`, errors.map((e) => ({ path: `body.${e.path}`, message: e.message })));
    }
    return warnings;
  }

  /** Records the re-plan in the change's transaction (ChangeFanout), so a crash right after the commit loses neither. */
  private async fanOut(tx: EntityManager, profile: StoredProfile, cause: string): Promise<number> {
    const dependents = ((await tx.query('SELECT name FROM profile WHERE $1 = ANY(extends)', [profile.name])) as { name: string }[]).map((r) => r.name);
    return this.fanout.start({ kind: 'profile', profile, dependents }, cause, tx);
  }
}

/** What an operator's profile input stores: defaults filled in, secret values sealed (or kept from `previous`). */
function storedFields(input: ProfileInputT, previous: StoredProfile['items'], box: SecretBox): Omit<StoredProfile, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'updatedBy'> {
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

function conflict(current: StoredProfile): HttpError {
  return new HttpError(409, 'version-conflict', `the profile was changed meanwhile (now version ${current.version}); read it again and re-apply your change`, { currentVersion: current.version });
}

const sameScope = (a: StoredProfile, b: StoredProfile) => a.layer === b.layer && a.selector === b.selector;
