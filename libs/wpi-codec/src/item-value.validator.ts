import { ITEM_TYPES, type ItemTypeFacts } from './item-types';

/** The verdict on one item: `ok: false` only when an error rules the write out. */
export type ItemCheck = { ok: true; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** One configuration value as it would go into a `WriteItems`. */
export interface ItemToCheck {
  name: string;
  index?: number;
  /** `null` (or the empty text, which is the same on the wire) clears the item. */
  value: string | null;
}

const INTEGER = /^-?\d+$/;
/** Base64 text; line breaks and other white space are tolerated, as in PEM-style wrapping. */
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * Checks one value against the WPI item catalogue (items.md) before it is written to a phone.
 * Where the catalogue is certain (certainty A or B, field not inferred, sources agree) a wrong
 * value is an error; where it is not, the same finding is only a warning. An unknown name is a
 * warning, since the catalogue is incomplete. Values of secret items never appear in messages.
 */
export function validateItemValue(item: ItemToCheck): ItemCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const facts = ITEM_TYPES.get(item.name);
  if (facts === undefined) {
    const lower = item.name.toLowerCase();
    const like = [...ITEM_TYPES.keys()].find((n) => n.toLowerCase() === lower);
    warnings.push(`${item.name}: not in the item catalogue${like === undefined ? '' : ` (names are case-sensitive: ${like}?)`}`);
    return { ok: true, warnings };
  }
  const certain = facts.certainty === 'A' || facts.certainty === 'B';
  const report = (sure: boolean, message: string) => (sure ? errors : warnings).push(`${item.name}: ${message}`);

  if (facts.access === 'ro') report(certain && !facts.inferred?.includes('access'), 'is read-only');
  if (facts.access === 'control') warnings.push(`${item.name}: is a parameter of an action, not a stored setting`);

  const indexSure = certain && facts.conflict !== true;
  if (item.index !== undefined && (!Number.isInteger(item.index) || item.index < 0)) {
    errors.push(`${item.name}: index ${item.index} is not a whole number of 0 or more`);
  } else if (facts.indexed && item.index === undefined) {
    report(indexSure, 'needs an index (multi-valued item)');
  } else if (!facts.indexed && item.index !== undefined) {
    report(indexSure, `takes no index (single-valued item), got ${item.index}`);
  } else if (item.index !== undefined && facts.indexRange !== undefined) {
    const [low, high] = facts.indexRange;
    if (item.index < low || item.index > high) report(indexSure, `index ${item.index} is outside ${low}..${high}`);
  }

  if (item.value !== null && item.value !== '') {
    const shapeSure = certain && facts.conflict !== true && !facts.inferred?.includes('type');
    for (const problem of valueProblems(item.value, facts)) report(shapeSure, problem);
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, warnings };
}

function valueProblems(value: string, facts: ItemTypeFacts): string[] {
  const shown = facts.secret === true ? 'the value' : JSON.stringify(value);
  const problems: string[] = [];
  if (facts.type === 'integer') {
    if (!INTEGER.test(value)) return [`${shown} is not an integer`];
    const n = Number(value);
    const number = facts.secret === true ? 'the value' : value;
    if (facts.min !== undefined && n < facts.min) problems.push(`${number} is below the minimum ${facts.min}`);
    if (facts.max !== undefined && n > facts.max) problems.push(`${number} is above the maximum ${facts.max}`);
  }
  if (facts.type === 'boolean' && value !== 'true' && value !== 'false') problems.push(`${shown} is not true or false`);
  if (facts.type === 'base64' && !BASE64.test(value)) problems.push(`${shown} is not base64`);
  if (facts.enum !== undefined && !facts.enum.includes(value)) {
    problems.push(`${shown} is not one of ${facts.enum.join(', ')}`);
  }
  const length = [...value].length;
  if (facts.maxLength !== undefined && length > facts.maxLength) {
    problems.push(`${shown} is ${length} characters long, more than the maximum ${facts.maxLength}`);
  }
  return problems;
}
