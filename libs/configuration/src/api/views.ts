import { isSecretItem, MASK } from '@workpoint/logging';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import type { EffectiveResult } from '../profiles';

const masked = (name: string, value: string | null) => (isSecretItem(name) && value !== null ? MASK : value);

/** The effective configuration as the API shows it: where each value comes from, secrets masked. */
export function effectiveView(result: EffectiveResult) {
  if (!result.ok) return { ok: false, items: [], problems: result.problems.map((p) => ({ item: p.item, problem: p.problem, profile: p.profileId })) };
  return {
    ok: true,
    items: result.items.map((i) => itemWith(i, {
      value: masked(i.name, i.value),
      policy: i.policy,
      source: { profile: i.source.profileName, layer: i.source.layer },
    })),
    problems: [],
  };
}

export function writesView(items: readonly WpiItem[]) {
  return items.map((i) => itemWith(i, { value: masked(i.name, i.value) }));
}
