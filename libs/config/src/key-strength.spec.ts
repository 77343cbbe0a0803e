import { randomBytes } from 'node:crypto';
import { ConfigurationEnvSchema, GatewayEnvSchema } from './env-schemas';
import { weakSecretKeyReason, weakSessionSecretReason } from './key-strength';
import { loadConfig } from './load-config';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('weakSecretKeyReason (CONFIG_SECRET_KEY)', () => {
  it.each([
    ['all zeros', b64(range(32, () => 0)), /fewer than 16 distinct/],
    ['one repeated byte', b64(range(32, () => 0xa7)), /fewer than 16 distinct/],
    ['a 4-byte pattern', b64(range(32, (i) => [1, 200, 33, 90][i % 4]!)), /fewer than 16 distinct/],
    ['a 16-byte pattern of distinct bytes', b64(range(32, (i) => (i % 16) * 13 + 1)), /repeated pattern/],
    ['0, 1, 2 … 31', b64(range(32, (i) => i)), /consecutive/],
    ['255, 247 … (falling by 8)', b64(range(32, (i) => 255 - 8 * i)), /consecutive/],
    ['a typed password', Buffer.from('correct-horse-battery-staple-!9X').toString('base64'), /printable text/],
    ['16 bytes', randomBytes(16).toString('base64'), /32 random bytes/],
    ['48 bytes', randomBytes(48).toString('base64'), /32 random bytes/],
    ['hex instead of base64', randomBytes(32).toString('hex'), /32 random bytes/],
    ['base64 with junk characters', `${randomBytes(32).toString('base64').slice(0, 40)}!!!=`, /32 random bytes/],
  ])('refuses %s', (_, key, reason) => {
    expect(weakSecretKeyReason(key)).toMatch(reason);
  });

  it('accepts random keys, with or without padding', () => {
    for (let i = 0; i < 1000; i++) expect(weakSecretKeyReason(randomBytes(32).toString('base64'))).toBeUndefined();
    expect(weakSecretKeyReason(randomBytes(32).toString('base64').replace(/=$/, ''))).toBeUndefined();
  });
});

describe('weakSessionSecretReason (SESSION_SECRET)', () => {
  it.each([
    ['31 characters', randomBytes(48).toString('base64').slice(0, 31), /at least 32/],
    ['one character', 'x'.repeat(32), /distinct/],
    ['a repeated word', 'password'.repeat(4), /distinct/],
    ['a repeated 16-character pattern', '0123456789abcdef'.repeat(2), /repeated pattern/],
    ['mostly one character', `${'a'.repeat(40)}bcdefghijklmnopqrs`, /more than a third/],
    ['an alphabet', '0123456789abcdefghijklmnopqrstuvwxyz', /consecutive/],
    ['runs of characters', 'aabbccddeeffgghhiijjkkllmmnnooppqq', /runs/],
  ])('refuses %s', (_, secret, reason) => {
    expect(weakSessionSecretReason(secret)).toMatch(reason);
  });

  it.each([
    ['64 hex characters', () => randomBytes(32).toString('hex')],
    ['base64 of 24 bytes', () => randomBytes(24).toString('base64')],
    ['base64url of 48 bytes (the embedded default)', () => randomBytes(48).toString('base64url')],
  ])('accepts %s', (_, make) => {
    for (let i = 0; i < 1000; i++) expect(weakSessionSecretReason(make())).toBeUndefined();
  });
});

describe('weak keys at boot', () => {
  const service = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u:p@h:5432/db' };

  it('names every weak key variable in one boot failure', () => {
    expect(() => loadConfig(ConfigurationEnvSchema, { CONFIG_SECRET_KEY: b64(range(32, () => 0)) })).toThrow(/CONFIG_SECRET_KEY: is not random/);
    expect(() => loadConfig(GatewayEnvSchema, { ...service, TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', SESSION_SECRET: 'password'.repeat(4), LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL: [\s\S]*SESSION_SECRET: is not random enough/,
    );
  });
});
