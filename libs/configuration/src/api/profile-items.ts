import { isSecretItem } from '@workpoint/logging';
import { itemWith } from '@workpoint/wpi-codec';
import type { SecretBox } from '@workpoint/contact-pipeline';
import { itemKey } from '../profiles/item-key';
import type { StoredItem } from '../desired-state/stored-profile';

export interface ItemInput {
  name: string;
  index?: number | undefined;
  value?: string | null | undefined;
  policy?: 'enforce' | 'adopt' | undefined;
  allowUnknown?: boolean | undefined;
}

/**
 * Items as stored: secret values sealed; a secret item sent without a value keeps the value
 * stored before (reads never return it, so a read-modify-write must not lose it).
 */
export function storeItems(input: readonly ItemInput[], previous: readonly StoredItem[], box: SecretBox): StoredItem[] {
  const before = new Map(previous.map((p) => [itemKey(p), p]));
  return input.map((item) => {
    const base: StoredItem = itemWith(item, {
      ...(item.policy ? { policy: item.policy } : {}),
      ...(item.allowUnknown ? { allowUnknown: true } : {}),
    });
    if (!isSecretItem(item.name)) return { ...base, value: item.value ?? null };
    if (item.value === undefined || item.value === null) {
      const kept = before.get(itemKey(item))?.sealed;
      return kept ? { ...base, sealed: kept } : { ...base, value: null };
    }
    return { ...base, sealed: box.seal(item.value) };
  });
}

/** Keys of secret items that already have a stored value (may be sent without one). */
export const keptSecrets = (previous: readonly StoredItem[]) => new Set(previous.filter((p) => p.sealed !== undefined).map(itemKey));

/** Items as the API shows them: a secret's value never. */
export function presentItems(items: readonly StoredItem[]) {
  return items.map((i) => itemWith(i, {
    ...(i.sealed !== undefined || isSecretItem(i.name) ? { secret: true } : { value: i.value ?? null }),
    policy: i.policy ?? 'enforce',
    ...(i.allowUnknown ? { allowUnknown: true } : {}),
  }));
}

/** Item input as checkProfile sees it: secrets kept from before count as set. */
export function draftItems(input: readonly ItemInput[]): StoredItem[] {
  return input.map((i) => itemWith(i, {
    ...(i.value !== undefined ? { value: i.value } : {}),
    ...(i.policy ? { policy: i.policy } : {}),
    ...(i.allowUnknown ? { allowUnknown: true } : {}),
  }));
}
