#!/usr/bin/env node
// Readiness probe for tools/infra/postgres.sh: waits until a real login with
// `pg` (the driver the apps use) succeeds, then creates the application
// database if it does not exist yet.
//
// Usage: node postgres-ready.js <postgres://user:pass@host:port/postgres> <database> <timeout-seconds> [postmaster-pid]
// Exit: 0 ready, 1 timed out or failed, 2 the server process died.
'use strict';

const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const { Client } = require(require.resolve('pg', { paths: [repoRoot] }));

const [adminUrl, database, timeoutArg, pidArg] = process.argv.slice(2);
if (!adminUrl || !database) {
  console.error('usage: postgres-ready.js <admin-url> <database> <timeout-seconds> [postmaster-pid]');
  process.exit(64);
}
const deadline = Date.now() + Number(timeoutArg || 60) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;

const alive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function ensureDatabase() {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        // 42P04 duplicate_database: a concurrent caller created it first.
        if (err.code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

(async () => {
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (pid !== undefined && !alive(pid)) {
      console.error(`postgres process ${pid} exited`);
      process.exit(2);
    }
    try {
      await ensureDatabase();
      process.exit(0);
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
      // Wrong password or a broken cluster will not fix itself by waiting.
      if (err && (err.code === '28P01' || err.code === '28000')) break;
      await sleep(200);
    }
  }
  console.error(`postgres not ready: ${lastError}`);
  process.exit(1);
})();
