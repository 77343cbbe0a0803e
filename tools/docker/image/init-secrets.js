'use strict';
// Compose's one-shot `init` service (runs in the cli image as the app user, uid 1000): makes
// whatever is missing in the secrets volume, once, and never replaces a file that exists:
//   config-secret-key      32 random bytes, base64 (CONFIG_SECRET_KEY)
//   api-admin-key          the first operator API key (API_ADMIN_KEY; only its hash is stored)
//   session-secret         48 random bytes, base64url (SESSION_SECRET)
//   gateway-key.pem, gateway-cert.pem   a self-signed TLS pair for the phones' HTTPS edge,
//                          names from GATEWAY_TLS_NAMES (comma list of DNS names and addresses)
// Every file is 0600 and owned by the app user, which is the user every Workpoint container
// runs as. Replace the TLS pair with a real one by overwriting the two files.
const { randomBytes } = require('node:crypto');
const { existsSync, writeFileSync } = require('node:fs');
const { isIP } = require('node:net');
const { join } = require('node:path');
const { weakSecretKeyReason, weakSessionSecretReason } = require('@workpoint/config');
const { generateApiKey } = require('@workpoint/http-api');
const { generate } = require('selfsigned');

const dir = process.argv[2] || '/run/workpoint';

function ensure(name, make, weakReason) {
  const file = join(dir, name);
  if (existsSync(file)) return false;
  const value = make();
  const reason = weakReason ? weakReason(value) : undefined;
  if (reason) throw new Error(`generated ${name} failed its own strength check: ${reason}`);
  writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
  return true;
}

async function tlsPair() {
  const keyFile = join(dir, 'gateway-key.pem');
  const certFile = join(dir, 'gateway-cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) return false;
  const names = (process.env.GATEWAY_TLS_NAMES || 'localhost,127.0.0.1').split(',').map((n) => n.trim()).filter(Boolean);
  const altNames = names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 86_400_000),
    notAfterDate: new Date(now + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o600 });
  return true;
}

async function main() {
  const made = [];
  if (ensure('config-secret-key', () => randomBytes(32).toString('base64'), weakSecretKeyReason)) made.push('config-secret-key');
  if (ensure('api-admin-key', () => generateApiKey().key)) made.push('api-admin-key');
  if (ensure('session-secret', () => randomBytes(48).toString('base64url'), weakSessionSecretReason)) made.push('session-secret');
  if (await tlsPair()) made.push('gateway TLS pair');
  // Names only: the values never reach a log.
  console.log(made.length > 0 ? `init: made ${made.join(', ')} in ${dir}` : `init: ${dir} already holds every secret`);
}

main().catch((error) => {
  console.error(`init: ${error.message}`);
  process.exit(1);
});
