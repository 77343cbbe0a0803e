import type { WpiItem } from './wpi-types';
import { itemValue } from './wpi-item.util';

const BOOKKEEPING = new Set(['configuration-changed-flag', 'configuration-attached-flag', 'configuration-attached-number']);
/** Reasons whose message carries the phone's basic items (protocol.md §7.1). */
export const REASONS_WITH_BASIC_ITEMS: ReadonlySet<string> = new Set(['start-up', 'solicited', 'local-changes', 'inventory-changes', 'status']);

/** Items every phone message carries about the phone itself (protocol.md §7.1). */
export const BASIC_ITEMS = new Set([
  ...BOOKKEEPING,
  'device-type', 'related-device-type', 'software-type', 'related-software-type', 'software-version',
  'related-software-version', 'contact-me-uri', 'mac-addr', 'e164', 'basic-e164', 'part-number',
]);

/**
 * The changed items a V2R2+ local-changes message attaches after its basic items. The phone
 * says how many (`configuration-attached-number`, G p.40); without a usable count, everything
 * that is not a basic item is taken as changed.
 */
export function attachedItems(items: WpiItem[]): WpiItem[] {
  const count = Number(itemValue(items, 'configuration-attached-number'));
  const candidates = items.filter((i) => !BOOKKEEPING.has(i.name));
  if (Number.isInteger(count) && count > 0 && count <= candidates.length) return candidates.slice(-count);
  return items.filter((i) => !BASIC_ITEMS.has(i.name));
}
