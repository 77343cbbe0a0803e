#!/usr/bin/env node
// Readiness probe for tools/infra/postgres.sh: waits until a real login with
// `pg` (the driver the apps use) succeeds, then creates the application
// database if it does not exist yet.
//
// Usage: node postgres-ready.js <postgres://user:pass@host:port/postgres> <database> <timeout-seconds> [postmaster-pid]
// Exit: 0 ready, 1 timed out or failed, 2 the server process died.
'use strict';

const { repoRequire, untilReady } = require('./ready-loop');

const { Client } = repoRequire('pg');

const [adminUrl, database, timeoutArg, pidArg] = process.argv.slice(2);
if (!adminUrl || !database) {
  console.error('usage: postgres-ready.js <admin-url> <database> <timeout-seconds> [postmaster-pid]');
  process.exit(64);
}

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

untilReady({
  what: 'postgres',
  timeoutSeconds: Number(timeoutArg || 60),
  pid: pidArg ? Number(pidArg) : undefined,
  intervalMs: 200,
  probe: ensureDatabase,
  // Wrong password or a broken cluster will not fix itself by waiting.
  fatal: (err) => Boolean(err && (err.code === '28P01' || err.code === '28000')),
});
