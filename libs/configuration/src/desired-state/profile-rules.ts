import { isSecretItem } from '@workpoint/logging';
import { INDEXED_ITEMS, itemWith, NON_INDEXED_ITEMS, validateItemValue } from '@workpoint/wpi-codec';
import type { ProfileLayer } from '../profiles';
import { itemKey } from '../profiles/item-key';
import type { StoredItem } from './stored-profile';

export interface ProfileDraft {
  name: string;
  layer: ProfileLayer;
  selector?: string | null;
  extends?: string[];
  items: StoredItem[];
}

export interface RuleProblem {
  path: string;
  message: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN_ATTRIBUTES = new Set(['mac', 'mac-plain', 'e164', 'user', 'device-type']);
/** The site fields effectiveConfiguration can fill: its placeholder grammar is `[a-z][a-z0-9.-]*`. */
const SITE_FIELD = /^site\.[a-z0-9.-]+$/;

export const isKnownItem = (name: string) => INDEXED_ITEMS.has(name) || NON_INDEXED_ITEMS.has(name);

/** Placeholders that can never be filled: not a phone attribute, not `site.<field>`. */
export function unknownPlaceholders(value: string): string[] {
  const unknown: string[] = [];
  for (const [, name] of value.matchAll(PLACEHOLDER)) {
    if (!name || !(KNOWN_ATTRIBUTES.has(name) || SITE_FIELD.test(name))) unknown.push(name ?? '');
  }
  return unknown;
}

/**
 * Checks a profile before it is saved. Errors (nothing is saved): a bad name, a selector where
 * the layer needs one (or one where it does not), an item name the catalogue does not know
 * (unless the item says `allowUnknown`), a value the catalogue rules out where it is sure, the
 * same item twice, a placeholder no phone can fill, an `extends` naming a missing profile or
 * closing a cycle. Warnings: what the catalogue is unsure about.
 * `others` maps every other stored profile's name to the profiles it extends.
 */
export function checkProfile(draft: ProfileDraft, others: ReadonlyMap<string, readonly string[]>, secretsKept: ReadonlySet<string> = new Set()): { errors: RuleProblem[]; warnings: RuleProblem[] } {
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  if (!NAME.test(draft.name)) errors.push({ path: 'name', message: 'letters, digits, "_", "." and "-" only, at most 128' });
  const needsSelector = draft.layer === 'site' || draft.layer === 'model' || draft.layer === 'group';
  if (needsSelector && !draft.selector) errors.push({ path: 'selector', message: `a ${draft.layer} profile names the ${draft.layer === 'group' ? 'tag' : draft.layer} it applies to` });
  if (!needsSelector && draft.selector) errors.push({ path: 'selector', message: `a ${draft.layer} profile has no selector` });

  const seen = new Set<string>();
  draft.items.forEach((item, i) => {
    const path = `items[${i}]`;
    const key = itemKey(item);
    if (seen.has(key)) errors.push({ path, message: `${key} is set twice` });
    seen.add(key);
    const known = isKnownItem(item.name);
    if (!known) {
      if (item.allowUnknown) warnings.push({ path, message: `${item.name}: not in the item catalogue (allowed by allowUnknown)` });
      else errors.push({ path: `${path}.name`, message: `unknown item "${item.name}" (set allowUnknown if the phone knows it)` });
    }
    const secret = isSecretItem(item.name);
    if (item.value === undefined && !(secret && secretsKept.has(key))) {
      errors.push({ path: `${path}.value`, message: secret ? 'a new secret item needs a value' : 'value is required (null clears the item)' });
      return;
    }
    if (typeof item.value !== 'string') {
      if (item.value === null && known) addChecks(validateItemValue(itemWith(item, { value: null })), path, errors, warnings);
      return;
    }
    const unknown = unknownPlaceholders(item.value);
    if (unknown.length > 0) {
      const named = secret ? 'in the value' : unknown.map((u) => `{{${u}}}`).join(', ');
      errors.push({ path: `${path}.value`, message: `unknown placeholder ${named}; known: mac, mac-plain, e164, user, device-type, site.<field>` });
    } else if (item.value.includes('{{') && /\{\{|\}\}/.test(item.value.replace(PLACEHOLDER, ''))) {
      // effectiveConfiguration refuses a filled value still holding braces, for every phone.
      errors.push({ path: `${path}.value`, message: 'malformed placeholder: "{{" or "}}" without its pair' });
    } else if (item.value.includes('{{')) warnings.push({ path: `${path}.value`, message: 'templated: checked per phone when delivered' });
    // An unknown name has nothing to check its value against (and is reported once, above).
    else if (known) addChecks(validateItemValue(itemWith(item, { value: item.value })), path, errors, warnings);
  });

  const graph = new Map(others);
  graph.set(draft.name, draft.extends ?? []);
  for (const [i, parent] of (draft.extends ?? []).entries()) {
    if (!graph.has(parent)) errors.push({ path: `extends[${i}]`, message: `no profile named "${parent}"` });
  }
  const cycle = findCycle(draft.name, graph);
  if (cycle) errors.push({ path: 'extends', message: `layering cycle: ${cycle.join(' → ')}` });
  return { errors, warnings };
}

function addChecks(check: ReturnType<typeof validateItemValue>, path: string, errors: RuleProblem[], warnings: RuleProblem[]): void {
  if (!check.ok) for (const message of check.errors) errors.push({ path: `${path}.value`, message });
  for (const message of check.warnings) warnings.push({ path, message });
}

/** A path from `start` back to itself through `extends`, if there is one. */
export function findCycle(start: string, graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): string[] | undefined => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return undefined;
    path.push(name);
    for (const parent of graph.get(name) ?? []) {
      const found = visit(parent);
      if (found) return found;
    }
    path.pop();
    done.add(name);
    return undefined;
  };
  return visit(start);
}
