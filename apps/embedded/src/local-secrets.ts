import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ensureKeyFile, ensurePrivateDir, readKeyFile, weakSecretKeyReason, weakSessionSecretReason } from '@workpoint/config';
import { generateApiKey } from '@workpoint/http-api';
import { generate } from 'selfsigned';

/**
 * The embedded default needs a TLS pair and a session key without anyone configuring them:
 * both are made on first start and kept in the data directory, so a restart keeps them. Every
 * key file is created 0600 and refused when read if group or others may read or write it.
 */
export async function ensureSelfSignedCertificate(dir: string): Promise<{ cert: Buffer; key: Buffer }> {
  const certFile = join(dir, 'gateway-cert.pem');
  const keyFile = join(dir, 'gateway-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    ensurePrivateDir(dir);
    const now = new Date();
    const pems = await generate([{ name: 'commonName', value: 'workpoint.local' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 86_400_000),
      notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  return { cert: readFileSync(certFile), key: readKeyFile(keyFile) };
}

export function ensureSessionSecret(dir: string): string {
  return strongKey(join(dir, 'session-secret'), () => randomBytes(48).toString('base64url'), weakSessionSecretReason);
}

/** The key that seals secret item values at rest (32 random bytes, base64). */
export function ensureConfigSecretKey(dir: string): string {
  return strongKey(join(dir, 'config-secret-key'), () => randomBytes(32).toString('base64'), weakSecretKeyReason);
}

/**
 * The first admin API key, so the operator API is usable on a fresh machine: read it from
 * `<data>/api-admin-key` (only its hash goes into the database).
 */
export function ensureAdminApiKey(dir: string): string {
  return ensureKeyFile(join(dir, 'api-admin-key'), () => generateApiKey().key);
}

/** A generated key passes the same strength test as one given in the environment (a hand-edited file would not). */
function strongKey(file: string, make: () => string, weakReason: (key: string) => string | undefined): string {
  const key = ensureKeyFile(file, make);
  const reason = weakReason(key);
  if (reason) throw new ConfigError([`${file}: ${reason}; remove the file to have a new one generated`]);
  return key;
}
