import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningStack, startEmbedded } from '@workpoint/stack';
import { eventually, randomMac } from '@workpoint/testing';
import { Pool } from 'pg';

/**
 * Commands (the events other systems publish on Kafka) through the operator API of the embedded
 * mode: `POST /api/v1/commands/<topic>` with an operator key, JSON only, same contracts.
 */
describe('commands through the operator API (embedded)', () => {
  let stack: RunningStack;
  let db: Pool;
  let dataDir: string;
  let readOnlyKey: string;

  const send = async (path: string, init: { method?: string; body?: string; contentType?: string; key?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? stack.apiKey : init.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const res = await fetch(`${stack.apiUrl}${path}`, { method: init.method ?? 'POST', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const jobPath = '/api/v1/commands/configuration.job.requested.v1';
  const jobCommand = (mac: string) => ({ requestId: randomUUID(), mac, action: 'WriteItems', items: [{ name: 'sntp-tz-offset', value: '60' }], contactMe: false, requestedBy: 'e2e' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-commands-'));
    stack = await startEmbedded({ dataDir });
    db = new Pool({ connectionString: stack.databaseUrl!, max: 2 });
    const created = await send('/api/v1/api-keys', { body: JSON.stringify({ name: 'e2e reader', role: 'read-only' }) });
    expect(created.status).toBe(201);
    readOnlyKey = (JSON.parse(created.text) as { key: string }).key;
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues a job from a valid command, once per request id, and audits it', async () => {
    const mac = randomMac();
    const command = JSON.stringify(jobCommand(mac));
    for (let i = 0; i < 2; i++) {
      const r = await send(jobPath, { body: command });
      expect({ status: r.status, body: JSON.parse(r.text) as unknown }).toEqual({ status: 202, body: { accepted: true, topic: 'configuration.job.requested.v1' } });
    }
    const rows = await eventually(async () => {
      const { rows } = await db.query('SELECT action, state FROM configuration.configuration_job WHERE mac = $1', [mac]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(rows).toEqual([{ action: 'WriteItems', state: 'queued' }]);
    const audit = await send(`/api/v1/audit?entityType=phone&entityId=${encodeURIComponent(mac)}`, { method: 'GET' });
    expect((JSON.parse(audit.text) as { entries: { action: string; actor: string }[] }).entries).toEqual([
      expect.objectContaining({ action: 'command.configuration.job.requested.v1', actor: expect.stringContaining('admin') }),
      expect.objectContaining({ action: 'command.configuration.job.requested.v1' }),
    ]);
  });

  it.each([
    ['no key', jobPath, { key: null, body: '{}' }, 401],
    ['a read-only key', jobPath, { key: 'read-only', body: JSON.stringify(jobCommand('00:1A:E8:00:00:01')) }, 403],
    ['a text/plain body (what a web page can send without a preflight)', jobPath, { body: JSON.stringify(jobCommand('00:1A:E8:00:00:01')), contentType: 'text/plain' }, 415],
    ['an unknown topic', '/api/v1/commands/nope.v1', { body: '{}' }, 404],
    ['a GET', jobPath, { method: 'GET' }, 405],
    ['a body that is not JSON', jobPath, { body: '{' }, 400],
    ['a command that breaks the contract', '/api/v1/commands/deployment.job.requested.v1', { body: JSON.stringify({ mac: 'nope', action: 'Dance' }) }, 400],
  ])('refuses %s', async (_name, path, init, status) => {
    const key = 'key' in init && init.key === 'read-only' ? readOnlyKey : (init as { key?: string | null }).key;
    expect((await send(path, { ...init, key })).status).toBe(status);
  });

  it('grants no cross-origin preflight: a foreign page can neither send the key nor a JSON body', async () => {
    const preflight = await send(jobPath, {
      method: 'OPTIONS',
      key: null,
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });
});
