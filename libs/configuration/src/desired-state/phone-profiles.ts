import { itemWith } from '@workpoint/wpi-codec';
import type { PhoneFacts, Profile, ProfileItem } from '../profiles';
import { itemKey } from '../profiles/item-key';
import type { PhoneAssignment, StoredItem, StoredProfile } from './stored-profile';

/** The phone's facts as templates see them. */
export interface PhoneFactsInput {
  mac: string;
  assignment: Pick<PhoneAssignment, 'e164' | 'model' | 'site' | 'tags' | 'userName' | 'profiles' | 'overrides'>;
  reported: { deviceType: string | null; e164: string | null };
  siteFields?: Record<string, string>;
}

/** The phone's model: what it reports, else what the operator assigned. */
export const modelOf = (phone: PhoneFactsInput) => phone.reported.deviceType ?? phone.assignment.model;

export function phoneFacts(phone: PhoneFactsInput): PhoneFacts {
  const { assignment, reported } = phone;
  const e164 = assignment.e164 ?? reported.e164;
  const deviceType = modelOf(phone);
  return {
    mac: phone.mac,
    ...(e164 ? { e164 } : {}),
    ...(deviceType ? { deviceType } : {}),
    ...(assignment.userName ? { user: assignment.userName } : {}),
    ...(assignment.site ? { site: { ...(phone.siteFields ?? {}), name: assignment.site } } : {}),
  };
}

/** Does this profile apply to this phone (before `extends`)? */
export function appliesTo(profile: Pick<StoredProfile, 'layer' | 'selector' | 'name'>, phone: PhoneFactsInput): boolean {
  switch (profile.layer) {
    case 'fleet':
      return true;
    // Without the null check a site or model profile lacking its selector would apply to every
    // phone lacking a site or model.
    case 'site':
      return profile.selector !== null && profile.selector === phone.assignment.site;
    case 'model':
      return profile.selector !== null && profile.selector === modelOf(phone);
    case 'group':
      return profile.selector !== null && phone.assignment.tags.includes(profile.selector);
    case 'phone':
      return phone.assignment.profiles.includes(profile.name);
  }
}

export const OVERRIDES_PROFILE_ID = 'phone-overrides';

/**
 * The profiles that make up a phone's configuration, ready for effectiveConfiguration: each
 * applying profile with what it `extends` folded in first (parents' items, then its own, later
 * wins), secrets opened, and the phone's own overrides last of all. Overrides merge item by
 * item into indexed groups (an override of one function key keeps the others).
 */
export function profilesForPhone(all: readonly StoredProfile[], phone: PhoneFactsInput, open: (sealed: string) => string): Profile[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const itemsOf = (profile: StoredProfile, trail: Set<string>): StoredItem[] => {
    if (trail.has(profile.name)) return [];
    const next = new Set(trail).add(profile.name);
    const merged = new Map<string, StoredItem>();
    for (const parent of profile.extends) {
      const p = byName.get(parent);
      if (p) for (const item of itemsOf(p, next)) merged.set(itemKey(item), item);
    }
    for (const item of profile.items) merged.set(itemKey(item), item);
    return [...merged.values()];
  };
  const toItem = (item: StoredItem): ProfileItem => itemWith(item, {
    value: item.sealed !== undefined ? open(item.sealed) : (item.value ?? null),
    ...(item.policy ? { policy: item.policy } : {}),
  });
  const profiles: Profile[] = all
    .filter((p) => appliesTo(p, phone))
    .map((p) => ({ id: p.id, name: p.name, layer: p.layer, priority: p.priority, mergeIndexedGroups: p.mergeIndexedGroups, items: itemsOf(p, new Set()).map(toItem) }));
  if (phone.assignment.overrides.length > 0) {
    profiles.push({ id: OVERRIDES_PROFILE_ID, name: 'phone overrides', layer: 'phone', priority: Number.MAX_SAFE_INTEGER, mergeIndexedGroups: true, items: phone.assignment.overrides.map(toItem) });
  }
  return profiles;
}
