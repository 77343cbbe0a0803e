import { isSecretField, isSecretItem } from './secret-items';

export const MASK = '***';
const MAX_DEPTH = 8;

/**
 * Deep copy of a log payload with secrets masked: fields named like secrets, and WPI items
 * (`{ name, value }`) whose name is a secret item. Phone configuration carries SIP and admin
 * passwords, so every item list that reaches a log line goes through here.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const source = value as Record<string, unknown>;
  const secretItem = typeof source['name'] === 'string' && 'value' in source && isSecretItem(source['name']);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    if ((secretItem && key === 'value' && v !== null) || (isSecretField(key) && v !== undefined && v !== null)) {
      out[key] = MASK;
    } else {
      out[key] = redact(v, depth + 1);
    }
  }
  return out;
}

/** The items with every secret item's value replaced by the mask (null values stay null). */
export function maskSecretItems<T extends { name: string; value: string | null }>(items: readonly T[]): T[] {
  return items.map((i) => (i.value !== null && isSecretItem(i.name) ? { ...i, value: MASK } : i));
}
