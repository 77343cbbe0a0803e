import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningStack, startEmbedded } from '@workpoint/stack';
import { eventually, randomMac } from '@workpoint/testing';
import { Pool } from 'pg';

/** The embedded mode's stand-in for Kafka commands: POST /commands/<topic>, same contracts. */
describe('embedded command intake', () => {
  let stack: RunningStack;
  let db: Pool;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-commands-'));
    stack = await startEmbedded({ dataDir });
    db = new Pool({ connectionString: stack.databaseUrl!, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string, method = 'POST') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${stack.commandUrl}${path}`, { method, headers: { 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('queues a job from a valid command, once per request id', async () => {
    const mac = randomMac();
    const command = JSON.stringify({ requestId: randomUUID(), mac, action: 'WriteItems', items: [{ name: 'sntp-tz-offset', value: '60' }], contactMe: false, requestedBy: 'e2e' });
    expect((await post('/commands/configuration.job.requested.v1', command)).status).toBe(202);
    expect((await post('/commands/configuration.job.requested.v1', command)).status).toBe(202);
    const rows = await eventually(async () => {
      const { rows } = await db.query('SELECT action, state FROM configuration.configuration_job WHERE mac = $1', [mac]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(rows).toEqual([{ action: 'WriteItems', state: 'queued' }]);
  });

  it.each([
    ['an unknown topic', '/commands/nope.v1', '{}', 'POST', 404],
    ['a GET', '/commands/configuration.job.requested.v1', '', 'GET', 405],
    ['a body that is not JSON', '/commands/configuration.job.requested.v1', '{', 'POST', 400],
    ['a command that breaks the contract', '/commands/deployment.job.requested.v1', JSON.stringify({ mac: 'nope', action: 'Dance' }), 'POST', 400],
  ])('refuses %s', async (_name, path, body, method, status) => {
    expect((await post(path, body, method)).status).toBe(status);
  });
});
