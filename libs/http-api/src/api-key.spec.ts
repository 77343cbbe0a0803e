import { generateApiKey, hashApiKeySecret, parseApiKey, verifyApiKeySecret } from './api-key';
import { roleAllows } from './api-role';

describe('API keys', () => {
  it('generates wpk_<12 hex>_<43 base64url> keys whose parts parse back and whose hash verifies', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^wpk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(generated.key)).toEqual({ id: generated.id, secret: generated.secret });
    expect(generated.hash).toBe(hashApiKeySecret(generated.secret));
    expect(verifyApiKeySecret(generated.secret, generated.hash)).toBe(true);
  });

  it('generates a different id and secret each time', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
  });

  it('hashes with hex SHA-256', () => {
    // sha256("abc"), the FIPS 180-2 test vector
    expect(hashApiKeySecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('rejects a wrong secret and a malformed stored hash', () => {
    const { secret, hash } = generateApiKey();
    expect(verifyApiKeySecret(secret + 'x', hash)).toBe(false);
    expect(verifyApiKeySecret(generateApiKey().secret, hash)).toBe(false);
    expect(verifyApiKeySecret(secret, hash.slice(2))).toBe(false);
    expect(verifyApiKeySecret(secret, hash.toUpperCase().replace(/[a-f]/g, 'Z'))).toBe(false);
  });

  const valid = generateApiKey().key;
  it.each([
    ['empty', ''],
    ['wrong prefix', valid.replace('wpk_', 'wpx_')],
    ['upper-case id', valid.slice(0, 4) + valid.slice(4, 16).toUpperCase().replace(/[0-9]/g, 'A') + valid.slice(16)],
    ['short id', valid.slice(0, 15) + valid.slice(16)],
    ['short secret', valid.slice(0, -1)],
    ['long secret', valid + 'A'],
    ['trailing whitespace', valid + ' '],
    ['standard base64 characters', valid.slice(0, -1) + '+'],
    ['missing separator', valid.replace(/_(?=[^_]*$)/, '')],
  ])('does not parse a key with %s', (_case, key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });
});

describe('roleAllows', () => {
  it.each([
    ['read-only', 'read-only', true],
    ['read-only', 'operator', false],
    ['read-only', 'admin', false],
    ['operator', 'read-only', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
    ['read-only', 'public', true],
  ] as const)('%s may do what %s may: %s', (have, need, allowed) => {
    expect(roleAllows(have, need)).toBe(allowed);
  });
});
