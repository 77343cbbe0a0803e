import { INDEXED_ITEMS, NON_INDEXED_ITEMS } from './item-catalogue';
import type { WpiItem } from './wpi-types';

export interface ItemAnomalies {
  /** The items without their repeats: the first of each (name, index) is kept. */
  items: WpiItem[];
  /** `name` or `name[index]` of each item that came more than once. */
  duplicates: string[];
  /** Items the catalogue lists as single-valued that came with an index. */
  unexpectedIndex: string[];
  /** Items the catalogue lists as multi-valued that came without one. */
  missingIndex: string[];
}

/**
 * What is odd about a phone's item list (protocol.md §7.7: how a phone treats an index on a
 * non-indexed item is unknown). Repeats of one (name, index) are dropped — the first counts —
 * so nothing is stored twice; index oddities are kept as reported and only named, since the
 * catalogue itself is not certain for every item.
 */
export function itemAnomalies(items: readonly WpiItem[]): ItemAnomalies {
  const seen = new Set<string>();
  const kept: WpiItem[] = [];
  const duplicates: string[] = [];
  const unexpectedIndex: string[] = [];
  const missingIndex: string[] = [];
  for (const item of items) {
    const key = item.index === undefined ? item.name : `${item.name}[${item.index}]`;
    if (seen.has(key)) {
      duplicates.push(key);
      continue;
    }
    seen.add(key);
    kept.push(item);
    if (item.index !== undefined && NON_INDEXED_ITEMS.has(item.name)) unexpectedIndex.push(key);
    if (item.index === undefined && INDEXED_ITEMS.has(item.name)) missingIndex.push(key);
  }
  return { items: duplicates.length > 0 ? kept : (items as WpiItem[]), duplicates, unexpectedIndex, missingIndex };
}
