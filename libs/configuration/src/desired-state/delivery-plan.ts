import { isSecretItem, MASK } from '@workpoint/logging';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import type { DriftPolicy, EffectiveItem } from '../profiles';
import { itemKey } from '../profiles/item-key';

/** An item the phone refused; kept until the wanted value changes or an operator clears it. */
export interface FaultRecord {
  name: string;
  index?: number;
  /** The phone's word: `read only`, `unknown item`, `invalid data`, … or `failed`. */
  status: string;
  /** Fingerprint of the refused value: the same value is not offered again. */
  fingerprint: string;
  /** The refused value, masked for secrets. */
  value: string | null;
  at: string;
}

/**
 * What configuration management knows of one phone's actual configuration:
 * - `observed`: the value of every non-secret item as last reported (full read, local changes)
 *   or as last accepted in a write;
 * - `applied`: fingerprints of values the phone accepted (or reported) — the only knowledge of
 *   secrets, which phones do not report;
 * - `faults`: items the phone refused.
 */
export interface PhoneConfigState {
  observed: Record<string, string | null>;
  applied: Record<string, string>;
  faults: Record<string, FaultRecord>;
}

export interface DriftEntry {
  name: string;
  index?: number;
  /** What the phone has (masked for secrets; `null` when it never said). */
  reported: string | null;
  desired: string | null;
  policy: DriftPolicy;
  source: string;
}

export interface DeliveryPlan {
  /** Exactly the items to write: those whose wanted value the phone does not have. */
  write: WpiItem[];
  /** Items where the phone differs from its effective configuration (the writes, and nothing else). */
  drift: DriftEntry[];
  /** Items not offered again because the phone refused this very value. */
  blocked: string[];
}

export type Fingerprint = (value: string | null) => string;

const same = (a: string | null | undefined, b: string | null) => (a ?? '') === (b ?? '');

/**
 * Compares the effective configuration with what the phone has. An item is written when the
 * phone reported a different value, or — for items it never reported (secrets, write-only
 * items) — when the value it last accepted is not the wanted one. A value the phone refused is
 * not offered again (it is a fault, visible on the phone) until the wanted value changes.
 */
export function planDelivery(effective: readonly EffectiveItem[], state: PhoneConfigState, fingerprint: Fingerprint): DeliveryPlan {
  const plan: DeliveryPlan = { write: [], drift: [], blocked: [] };
  for (const item of effective) {
    const key = itemKey(item);
    // Fingerprints (an HMAC each) only where they decide something: most items are compared by value.
    const secret = isSecretItem(item.name);
    const fault = state.faults[key];
    if (fault && fault.fingerprint === fingerprint(item.value)) {
      plan.blocked.push(key);
      continue;
    }
    const reported = !secret && key in state.observed ? state.observed[key] : undefined;
    const differs = reported !== undefined ? !same(reported, item.value) : state.applied[key] !== fingerprint(item.value);
    if (!differs) continue;
    plan.write.push(itemWith(item, { value: item.value ?? '' }));
    plan.drift.push(itemWith(item, {
      reported: secret ? (state.applied[key] ? MASK : null) : (reported ?? null),
      desired: secret ? MASK : item.value,
      policy: item.policy,
      source: item.source.profileName,
    }));
  }
  return plan;
}

/**
 * A full item set (reply to ReadAllItems): `observed` becomes exactly what the phone reports.
 * When an item the phone had accepted is back to another value, the phone has lost its
 * configuration (a factory reset, a replaced unit): what it never reports (secrets) is then
 * assumed lost too, so it is written again.
 */
export function observeFullReport(state: PhoneConfigState, items: readonly WpiItem[], fingerprint: Fingerprint): PhoneConfigState {
  const observed: Record<string, string | null> = {};
  const reportedSecrets: Record<string, string> = {};
  for (const item of items) {
    const key = itemKey(item);
    if (isSecretItem(item.name)) {
      if (reportedInClear(item.value)) reportedSecrets[key] = fingerprint(item.value);
    } else if (item.status === undefined) observed[key] = item.value;
  }
  // Of the values it had accepted, those the phone reports again: still the same value, or not.
  const unchanged = new Map<string, boolean>();
  for (const [key, print] of Object.entries(state.applied)) if (key in observed) unchanged.set(key, fingerprint(observed[key] ?? null) === print);
  const lost = [...unchanged.values()].includes(false);
  const applied: Record<string, string> = {};
  for (const [key, print] of Object.entries(state.applied)) if (unchanged.get(key) ?? !lost) applied[key] = print;
  return { observed, applied: { ...applied, ...reportedSecrets }, faults: state.faults };
}

/** Some firmware reports passwords in clear; most report nothing, or a mask. */
const reportedInClear = (value: string | null): value is string => value !== null && value !== '' && !value.includes(MASK);

/** Changed items the phone reported (local changes, inventory changes): merged into what it has. */
export function observeChanges(state: PhoneConfigState, items: readonly WpiItem[], fingerprint: Fingerprint): PhoneConfigState {
  const observed = { ...state.observed };
  const applied = { ...state.applied };
  for (const item of items) {
    const key = itemKey(item);
    if (isSecretItem(item.name)) {
      if (reportedInClear(item.value)) applied[key] = fingerprint(item.value);
      continue;
    }
    observed[key] = item.value;
    if (applied[key] !== undefined && applied[key] !== fingerprint(item.value)) delete applied[key];
  }
  return { observed, applied, faults: state.faults };
}

/** Status words that mean the phone took the item. */
const OK_STATUS = new Set(['ok', 'accepted', 'success']);

/**
 * The phone's answer to a write: items it flagged become faults, the rest is what it now has.
 * A write refused as a whole without naming items marks each item `failed`.
 */
export function recordWriteResult(
  state: PhoneConfigState,
  written: readonly WpiItem[],
  flagged: readonly WpiItem[],
  outcome: 'accepted' | 'failed',
  fingerprint: Fingerprint,
  at: Date,
): { state: PhoneConfigState; refused: FaultRecord[] } {
  const observed = { ...state.observed };
  const applied = { ...state.applied };
  const faults = { ...state.faults };
  const refusedKeys = new Map<string, string>();
  for (const item of flagged) if (item.status !== undefined && !OK_STATUS.has(item.status.toLowerCase())) refusedKeys.set(itemKey(item), item.status);
  const wholeRefusal = outcome === 'failed' && refusedKeys.size === 0;
  const refused: FaultRecord[] = [];
  for (const item of written) {
    const key = itemKey(item);
    const status = refusedKeys.get(key) ?? (wholeRefusal ? 'failed' : undefined);
    if (status !== undefined) {
      const fault: FaultRecord = itemWith(item, {
        status,
        fingerprint: fingerprint(item.value),
        value: isSecretItem(item.name) ? MASK : item.value,
        at: at.toISOString(),
      });
      faults[key] = fault;
      refused.push(fault);
      continue;
    }
    delete faults[key];
    applied[key] = fingerprint(item.value);
    if (!isSecretItem(item.name)) observed[key] = item.value;
  }
  return { state: { observed, applied, faults }, refused };
}

/**
 * Local changes under the `adopt` policy become the phone's own overrides, so the phone's value
 * is the wanted one from now on; under `enforce` they are left to be written back.
 */
export function adoptLocalChanges(effective: readonly EffectiveItem[], changed: readonly WpiItem[]): WpiItem[] {
  const byKey = new Map(effective.map((e) => [itemKey(e), e]));
  const adopted: WpiItem[] = [];
  for (const item of changed) {
    if (isSecretItem(item.name)) continue;
    const wanted = byKey.get(itemKey(item));
    if (wanted?.policy === 'adopt' && !same(item.value, wanted.value)) {
      adopted.push(itemWith(item, { value: item.value }));
    }
  }
  return adopted;
}
