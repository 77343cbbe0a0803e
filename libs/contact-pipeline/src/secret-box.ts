import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * A sealed value this key cannot open: malformed, sealed under another `CONFIG_SECRET_KEY`, or
 * tampered with. Permanent: trying again with the same key gives the same answer, so a relay
 * skips the value's phone instead of retrying it for ever.
 */
export class SealedValueError extends Error {
  readonly kind = 'permanent' as const;
  constructor(readonly code: 'malformed-sealed-value' | 'unreadable-sealed-value') {
    super(code === 'malformed-sealed-value' ? 'malformed sealed value' : 'sealed value cannot be opened with this CONFIG_SECRET_KEY (another key, or tampered with)');
    this.name = 'SealedValueError';
  }
}

/**
 * Secret item values (SIP and admin passwords…) at rest: AES-256-GCM with a key from
 * configuration (`CONFIG_SECRET_KEY`). A sealed value is `enc:v1:<iv>.<tag>.<ciphertext>`
 * (base64url); sealing the same value twice gives different text. `fingerprint` is an HMAC
 * under a key derived from the same secret: it tells whether the value written to a phone is
 * still the wanted one without keeping the value itself.
 */
export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('CONFIG_SECRET_KEY must be 32 bytes (base64)');
    this.encryptionKey = createHmac('sha256', key).update('workpoint:encrypt').digest();
    this.fingerprintKey = createHmac('sha256', key).update('workpoint:fingerprint').digest();
  }

  static fromBase64(text: string): SecretBox {
    return new SecretBox(Buffer.from(text, 'base64'));
  }

  static isSealed(value: string | null | undefined): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Throws when the text was not sealed with this key (wrong key, tampering). */
  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) return sealed;
    const [iv, tag, body] = sealed.slice(PREFIX.length).split('.');
    if (iv === undefined || tag === undefined || body === undefined) throw new SealedValueError('malformed-sealed-value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM's authentication failed (or the iv/tag are not valid): another key, or tampering.
      throw new SealedValueError('unreadable-sealed-value');
    }
  }

  fingerprint(value: string | null): string {
    return createHmac('sha256', this.fingerprintKey)
      .update(value ?? '')
      .digest('base64url')
      .slice(0, 22);
  }
}
