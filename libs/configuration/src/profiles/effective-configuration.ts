import { itemWith, relatedGroupKey } from '@workpoint/wpi-codec';
import { itemKey } from './item-key';
import { type EffectiveItem, type PhoneFacts, type Profile, PROFILE_LAYERS, type ProfileItem } from './profile.types';

export interface TemplateProblem {
  profileId: string;
  item: string;
  problem: string;
}

export type EffectiveResult = { ok: true; items: EffectiveItem[] } | { ok: false; problems: TemplateProblem[] };

/**
 * The configuration a phone should have, from the profiles that apply to it:
 * 1. layers in order fleet → site → model → group → phone; within a layer, lower priority
 *    first; later wins, item by item (name + index);
 * 2. an indexed group (the family of an indexed item — function keys, XML apps, codecs… — as
 *    the message splitter groups them) is one unit: a profile setting any part of it replaces
 *    every index of that family set by earlier profiles, unless it has `mergeIndexedGroups`;
 * 3. placeholders are filled from the phone's facts; one that cannot be filled makes the whole
 *    result a failure (nothing is half-applied).
 * Pure and deterministic, so a preview before saving computes exactly what delivery will.
 */
export function effectiveConfiguration(profiles: readonly Profile[], facts: PhoneFacts): EffectiveResult {
  const ordered = [...profiles].sort((a, b) => PROFILE_LAYERS.indexOf(a.layer) - PROFILE_LAYERS.indexOf(b.layer) || (a.priority ?? 0) - (b.priority ?? 0));
  const byKey = new Map<string, EffectiveItem>();
  const problems: TemplateProblem[] = [];
  for (const profile of ordered) {
    if (!profile.mergeIndexedGroups) {
      const families = new Set(profile.items.filter((i) => i.index !== undefined).map(familyOf));
      for (const [key, item] of byKey) if (item.index !== undefined && families.has(familyOf(item))) byKey.delete(key);
    }
    for (const item of profile.items) {
      const value = fill(item, facts);
      if (typeof value === 'object' && value !== null) {
        problems.push({ profileId: profile.id, item: itemKey(item), problem: value.problem });
        continue;
      }
      byKey.set(itemKey(item), itemWith(item, {
        value,
        policy: item.policy ?? 'enforce',
        source: { profileId: profile.id, profileName: profile.name, layer: profile.layer },
      }));
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, items: [...byKey.values()].sort(byNameAndIndex) };
}

/** `function-key[5]` → `function-key`: the family of an indexed item. */
function familyOf(item: Pick<ProfileItem, 'name' | 'index'>): string {
  return relatedGroupKey(itemWith(item, { value: null })).replace(/\[\d+\]$/, '');
}

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9.-]*)\s*\}\}/g;

function fill(item: ProfileItem, facts: PhoneFacts): string | null | { problem: string } {
  if (item.value === null || !item.value.includes('{{')) return item.value;
  let missing: string | undefined;
  const filled = item.value.replace(PLACEHOLDER, (_, name: string) => {
    const value = attribute(facts, name);
    if (value === undefined) missing ??= name;
    return value ?? '';
  });
  if (missing) return { problem: `template refers to ${missing}, which this phone does not have` };
  if (filled.includes('{{') || filled.includes('}}')) return { problem: `malformed placeholder in "${item.value}"` };
  return filled;
}

function attribute(facts: PhoneFacts, name: string): string | undefined {
  if (name.startsWith('site.')) return siteField(facts.site, name.slice('site.'.length));
  switch (name) {
    case 'mac':
      return facts.mac;
    case 'mac-plain':
      return facts.mac.replace(/:/g, '');
    case 'e164':
      return facts.e164;
    case 'device-type':
      return facts.deviceType;
    case 'user':
      return facts.user;
    default:
      return undefined;
  }
}

/**
 * A site's own field only: `{{site.constructor}}` (or any name the object inherits) is
 * unfillable like any field the site does not have, never `function Object() …`.
 */
function siteField(site: PhoneFacts['site'], field: string): string | undefined {
  if (!site || !Object.hasOwn(site, field)) return undefined;
  const value: unknown = site[field];
  return typeof value === 'string' ? value : undefined;
}

function byNameAndIndex(a: EffectiveItem, b: EffectiveItem): number {
  return a.name.localeCompare(b.name) || (a.index ?? -1) - (b.index ?? -1);
}
