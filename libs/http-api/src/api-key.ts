import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface GeneratedApiKey {
  /** Public identifier, safe to log and to show in listings. */
  id: string;
  secret: string;
  /** What the operator presents: `wpk_<id>_<secret>`. Shown once, never stored. */
  key: string;
  /** What is stored: the hex SHA-256 of the secret. */
  hash: string;
}

export interface ParsedApiKey {
  id: string;
  secret: string;
}

const ID_BYTES = 6;
const SECRET_BYTES = 32;
// 12 hex characters of id; 32 bytes of secret are 43 base64url characters (no padding).
const API_KEY_PATTERN = /^wpk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, key: `wpk_${id}_${secret}`, hash: hashApiKeySecret(secret) };
}

/** The id and secret of a well-formed key; anything else (whitespace, wrong lengths) is undefined. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = API_KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return { id: match[1]!, secret: match[2]! };
}

/**
 * A plain SHA-256 is the right hash here, unlike for passwords: the secret is 256 random
 * bits, so nobody can guess it from a leaked hash however fast the hash is. Slow KDFs
 * (scrypt, bcrypt) protect low-entropy secrets; on API keys they would only add latency to
 * every request.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison, so response times do not reveal how much of a hash matched. */
export function verifyApiKeySecret(secret: string, hash: string): boolean {
  if (!SHA256_HEX_PATTERN.test(hash)) return false;
  return timingSafeEqual(Buffer.from(hashApiKeySecret(secret), 'hex'), Buffer.from(hash, 'hex'));
}
