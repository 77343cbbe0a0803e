import type { WpiItem } from './wpi-types';

/**
 * Value of a plain (non-indexed) item, e.g. `mac-addr` or `software-version`. Items a phone
 * reports as `status="failed"` carry no value and are skipped, so a later real value wins.
 */
export function itemValue(items: readonly WpiItem[], name: string): string | undefined {
  for (const item of items) {
    if (item.name === name && item.index === undefined && item.value !== null) {
      return item.value;
    }
  }
  return undefined;
}

/** An item's identity: its name, and its index when it has one (no `index` key otherwise). */
export function itemRef(item: { readonly name: string; readonly index?: number | undefined }): { name: string; index?: number } {
  return item.index === undefined ? { name: item.name } : { name: item.name, index: item.index };
}

/**
 * An item's identity with `fields` after it: `{ name, index?, ...fields }`, built without an
 * object spread, which costs several times more in the per-item loops of planning.
 */
export function itemWith<T extends object>(item: { readonly name: string; readonly index?: number | undefined }, fields: T): { name: string; index?: number } & T {
  return Object.assign(itemRef(item), fields);
}
