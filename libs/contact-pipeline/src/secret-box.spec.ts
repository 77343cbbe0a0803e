import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals a value so it is unreadable, and opens it again', () => {
    const sealed = box.seal('s3cret-sip');
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed)).toBe('s3cret-sip');
    expect(box.seal('s3cret-sip')).not.toBe(sealed);
  });

  it('refuses a value sealed under another key, or tampered with', () => {
    const sealed = box.seal('x');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(expect.objectContaining({ code: 'unreadable-sealed-value', kind: 'permanent' }));
    expect(() => box.open(`${sealed.slice(0, -2)}AA`)).toThrow(expect.objectContaining({ code: 'unreadable-sealed-value', kind: 'permanent' }));
    expect(() => box.open('enc:v1:no-dots')).toThrow(expect.objectContaining({ code: 'malformed-sealed-value', kind: 'permanent' }));
  });

  it('fingerprints values deterministically per key', () => {
    expect(box.fingerprint('a')).toBe(box.fingerprint('a'));
    expect(box.fingerprint('a')).not.toBe(box.fingerprint('b'));
    expect(new SecretBox(randomBytes(32)).fingerprint('a')).not.toBe(box.fingerprint('a'));
    expect(box.fingerprint(null)).toBe(box.fingerprint(''));
  });

  it('rejects a key of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
