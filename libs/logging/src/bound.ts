import { isSecretField, isSecretItem } from './secret-items';
import { MASK } from './redact';

/** Default bound of one log line (`LOG_MAX_LINE_BYTES`): a phone's 1 MB value never makes a 1 MB line. */
export const DEFAULT_LOG_MAX_LINE_BYTES = 8192;

/** The marker left where text was cut. */
export function truncationMarker(removed: number, unit: 'chars' | 'bytes'): string {
  return `…[truncated ${removed} ${unit}]`;
}

/** Deep copy with every string longer than `maxChars` cut, and marked. */
export function boundStrings(value: unknown, maxChars: number, depth = 0): unknown {
  if (typeof value === 'string') return value.length > maxChars ? cutChars(value, maxChars) : value;
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => boundStrings(v, maxChars, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = boundStrings(v, maxChars, depth + 1);
  return out;
}

function cutChars(text: string, maxChars: number): string {
  const end = cutPoint(text, maxChars);
  return text.slice(0, end) + truncationMarker(text.length - end, 'chars');
}

/** Where to cut `text` to keep at most `n` UTF-16 units: never inside a surrogate pair. */
function cutPoint(text: string, n: number): number {
  return n > 0 && /[\uD800-\uDBFF]/.test(text[n - 1]!) ? n - 1 : n;
}

/**
 * `text` with a JSON string literal of it at most `maxBytes` UTF-8 bytes long (the form it takes
 * inside a JSON document), cut at a character and marked when it had to be cut.
 */
export function fitJsonString(text: string, maxBytes: number): string {
  const size = (s: string) => Buffer.byteLength(JSON.stringify(s));
  if (size(text) <= maxBytes) return text;
  // Every character costs at least one byte: nothing past maxBytes characters can fit.
  let low = 0;
  let high = Math.min(text.length, maxBytes);
  const cut = (n: number) => {
    const end = cutPoint(text, n);
    return text.slice(0, end) + truncationMarker(Buffer.byteLength(text.slice(end)), 'bytes');
  };
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (size(cut(mid)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}

/**
 * Masks secrets in text that is not JSON (a dead letter's unparsable value): `"<secret field>":
 * "…"` and `"name": "<secret item>", "value": "…"` pairs, as they appear in a cut or broken
 * JSON document. Best effort: text that does not look like JSON keeps its content.
 */
export function maskSecretsInText(text: string): string {
  return text
    .replace(/("name"\s*:\s*"([^"\\]{1,128})"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"?/g, (whole, head: string, name: string) =>
      isSecretItem(name) ? `${head}"${MASK}"` : whole,
    )
    .replace(/"([^"\\]{1,128})"(\s*:\s*)"(?:[^"\\]|\\.)*"?/g, (whole, key: string, colon: string) => (isSecretField(key) ? `"${key}"${colon}"${MASK}"` : whole));
}
