/**
 * Cheap tests that refuse keys nobody generated at random: all zeros, a repeated pattern, a
 * typed password. They cannot prove a key random; they catch the keys people actually paste
 * ("change me", `openssl rand -hex` mistaken for base64, a key made of one character…), and a
 * real random key fails them with odds far below one in a million (measured by simulation over
 * hex, base64 and base64url keys of the recommended sizes).
 */

/** Distinct byte values a 32-byte key must have: random keys have ~30, fewer than 16 is essentially never random. */
export const SECRET_KEY_MIN_DISTINCT_BYTES = 16;
/** Distinct characters a session secret must have: 10 lets 64-character hex (16 symbols) pass every time. */
export const SESSION_SECRET_MIN_DISTINCT_CHARS = 10;
export const SESSION_SECRET_MIN_LENGTH = 32;

const STRICT_BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=?$/;

/**
 * Why a `CONFIG_SECRET_KEY` is unfit, or undefined when it passes. It must be standard base64
 * of exactly 32 bytes, and those bytes must:
 * 1. take at least 16 distinct values (catches zeros, one repeated byte, short patterns);
 * 2. not repeat with a period of 16 bytes or less;
 * 3. not be an arithmetic run (0, 1, 2, … or 31, 30, …);
 * 4. not all be printable ASCII (that is a typed password, not random bytes: odds (95/256)^32 ≈ 10⁻¹⁴).
 */
export function weakSecretKeyReason(text: string): string | undefined {
  if (!STRICT_BASE64_32_BYTES.test(text)) return 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)';
  const bytes = [...Buffer.from(text, 'base64')];
  if (bytes.length !== 32) return 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)';
  const weak = 'is not random (generate one with `openssl rand -base64 32`)';
  if (new Set(bytes).size < SECRET_KEY_MIN_DISTINCT_BYTES) return `${weak}: fewer than ${SECRET_KEY_MIN_DISTINCT_BYTES} distinct byte values`;
  if (periodic(bytes, 16)) return `${weak}: a repeated pattern`;
  if (arithmeticRun(bytes)) return `${weak}: a run of consecutive values`;
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e)) return `${weak}: its bytes are printable text, a password rather than a key`;
  return undefined;
}

/**
 * Why a `SESSION_SECRET` is unfit, or undefined when it passes. It must:
 * 1. have at least 32 characters;
 * 2. use at least 10 distinct characters;
 * 3. have no character making up more than a third of it;
 * 4. not repeat with a period up to half its length (`passwordpassword…`, `0123…ef0123…ef`);
 * 5. not step by -1, 0 or +1 between more than half of its neighbouring characters (`aaaa…`, `abcd…`).
 */
export function weakSessionSecretReason(text: string): string | undefined {
  if (text.length < SESSION_SECRET_MIN_LENGTH) return `must be at least ${SESSION_SECRET_MIN_LENGTH} characters`;
  const chars = [...text].map((c) => c.codePointAt(0)!);
  const weak = 'is not random enough (generate one with `openssl rand -base64 48`)';
  const counts = new Map<number, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size < SESSION_SECRET_MIN_DISTINCT_CHARS) return `${weak}: fewer than ${SESSION_SECRET_MIN_DISTINCT_CHARS} distinct characters`;
  if (Math.max(...counts.values()) * 3 > chars.length) return `${weak}: one character makes up more than a third of it`;
  if (periodic(chars, Math.floor(chars.length / 2))) return `${weak}: a repeated pattern`;
  let steps = 0;
  for (let i = 1; i < chars.length; i++) if (Math.abs(chars[i]! - chars[i - 1]!) <= 1) steps++;
  if (steps * 2 > chars.length - 1) return `${weak}: mostly runs of one character or of consecutive characters`;
  return undefined;
}

/** Whether `values` repeats itself with some period from 1 to maxPeriod. */
function periodic(values: readonly number[], maxPeriod: number): boolean {
  for (let p = 1; p <= maxPeriod; p++) {
    let same = true;
    for (let i = p; i < values.length && same; i++) same = values[i] === values[i - p];
    if (same) return true;
  }
  return false;
}

function arithmeticRun(values: readonly number[]): boolean {
  const step = values[1]! - values[0]!;
  return values.every((v, i) => i === 0 || v - values[i - 1]! === step);
}
