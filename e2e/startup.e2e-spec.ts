import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedPhone } from '@workpoint/phone-sim';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { infraFromEnv, randomMac, rawHttps } from '@workpoint/testing';
import { buildWorkpointMessage, parseDlsMessage } from '@workpoint/wpi-codec';
import { Pool } from 'pg';
import { expectedStoredItems, stormOf, storedReports } from './phone-fleet';

/**
 * The start-up interaction end to end, over HTTPS, driven by the project's phone simulator:
 * once against the distributed deployment (separate processes, real Kafka, real PostgreSQL)
 * and once against the embedded default (one process, in-process bus, embedded PostgreSQL).
 */
interface Mode {
  name: string;
  start(): Promise<{ stack: RunningStack; db: Pool; restart?: () => Promise<RunningStack> }>;
}

const infra = infraFromEnv();

const distributed: Mode = {
  name: 'distributed',
  async start() {
    const stack = await startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 2 });
    return { stack, db: new Pool({ connectionString: infra.databaseUrl, max: 2 }) };
  },
};

const embedded: Mode = {
  name: 'embedded',
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-'));
    const stack = await startEmbedded({ dataDir });
    const db = new Pool({ connectionString: stack.databaseUrl!, max: 2 });
    const ports = stack.ports!;
    return {
      stack: { ...stack, stop: async () => (await stack.stop(), rmSync(dataDir, { recursive: true, force: true })) },
      db,
      restart: async () => {
        await stack.stop();
        const again = await startEmbedded({ dataDir, port: ports.gateway, dcmpPort: ports.dcmp, apiPort: ports.api, postgresPort: ports.postgres });
        return { ...again, stop: async () => (await again.stop(), rmSync(dataDir, { recursive: true, force: true })) };
      },
    };
  },
};

describe.each([distributed, embedded])('start-up interaction, $name mode', (mode) => {
  let stack: RunningStack;
  let db: Pool;
  let restart: (() => Promise<RunningStack>) | undefined;

  beforeAll(async () => {
    ({ stack, db, restart } = await mode.start());
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('serves 200 phones starting at once: ReadAllItems then CleanUp, nonce echoed, each full item set stored', async () => {
    const { result, interactions } = await stormOf(200, stack.urls);
    expect(result.firstErrors).toEqual([]);
    expect(result.completedOk).toBe(200);
    for (const i of interactions) {
      expect(i.actions).toEqual(['ReadAllItems', 'CleanUp']);
      expect(i.exchanges.every((e) => e.nonceEchoed && e.httpStatus === 200)).toBe(true);
    }
    const stored = await storedReports(db, interactions.map((i) => i.mac));
    expect(stored.size).toBe(200);
    for (const i of interactions) {
      expect(stored.get(i.mac)).toEqual([expectedStoredItems(i.mac)]);
    }
  });

  it.each([
    ['malformed XML', { body: '<WorkpointMessage><Message nonce="1">' }, 400, /malformed-xml/],
    ['a root that is not WorkpointMessage', { body: '<html><body/></html>' }, 400, /wrong-root/],
    ['a missing nonce', { body: '<WorkpointMessage><Message><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>' }, 400, /missing-nonce/],
    [
      'a DOCTYPE with an entity declaration',
      { body: '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><WorkpointMessage><Message nonce="1"><ReasonForContact>&b;</ReasonForContact></Message></WorkpointMessage>' },
      400,
      /doctype-forbidden/,
    ],
    ['a body over 1 MB', { body: Buffer.alloc(1024 * 1024 + 1, 0x20) }, 413, /exceeds/],
    ['a GET', { method: 'GET' }, 405, /only POST/],
    ['a PUT', { method: 'PUT', body: '<x/>' }, 405, /only POST/],
  ])('answers %s with a clear 4xx, and keeps serving', async (_name, request, status, text) => {
    const res = await rawHttps(stack.urls[0]!, request);
    expect(res.status).toBe(status);
    expect(res.body).toMatch(text);
    const after = await new SimulatedPhone({ mac: randomMac(), urls: stack.urls }).startUp();
    expect(after.ok).toBe(true);
  });

  it('answers a first message without mac-addr with CleanUp, nonce echoed', async () => {
    const body = buildWorkpointMessage({ nonce: 'A1B2C3', maxItems: -1, reason: 'solicited', items: [{ name: 'e164', value: '4989' }] });
    const res = await rawHttps(stack.urls[0]!, { body });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    expect(parseDlsMessage(res.body)).toMatchObject({ nonce: 'A1B2C3', action: 'CleanUp' });
  });

  it('completes an interaction on one kept-alive connection, as well as with Connection: close', async () => {
    const mac = randomMac();
    const result = await new SimulatedPhone({ mac, urls: [stack.urls[0]!], keepAlive: true }).startUp();
    expect(result.ok).toBe(true);
    expect(result.actions).toEqual(['ReadAllItems', 'CleanUp']);
    expect((await storedReports(db, [mac])).get(mac)).toEqual([expectedStoredItems(mac)]);
  });

  it('serves a phone that repeats items or puts an index on a single-valued item, keeping the first of each', async () => {
    const mac = randomMac();
    const body = buildWorkpointMessage({
      nonce: 'D0D0CAFE',
      maxItems: -1,
      reason: 'start-up',
      items: [
        { name: 'mac-addr', value: mac },
        { name: 'e164', value: '111' },
        { name: 'e164', value: '222' },
        { name: 'device-type', index: 1, value: 'OpenStage 60' },
      ],
    });
    const res = await rawHttps(stack.urls[0]!, { body });
    expect(parseDlsMessage(res.body)).toMatchObject({ nonce: 'D0D0CAFE', action: 'ReadAllItems' });
    const { rows } = await db.query('SELECT e164, basic_items FROM inventory.phone WHERE mac = $1', [mac]);
    expect(rows).toHaveLength(1);
    expect(rows[0].e164).toBe('111');
    expect(rows[0].basic_items.filter((i: { name: string }) => i.name === 'e164')).toHaveLength(1);
  });

  it('answers a path outside /DeploymentService with 404', async () => {
    const res = await rawHttps(stack.urls[0]!.replace('/DeploymentService/LoginService', '/other'), { body: '<x/>' });
    expect(res.status).toBe(404);
  });

  if (mode.name === 'distributed') {
    it('completes an interaction whose start-up reaches one gateway and whose reply-to reaches the other', async () => {
      expect(stack.urls).toHaveLength(2);
      const mac = randomMac();
      const result = await new SimulatedPhone({ mac, urls: stack.urls, cookieQuirk: true }).startUp();
      expect(result.ok).toBe(true);
      expect(result.actions).toEqual(['ReadAllItems', 'CleanUp']);
      expect(result.exchanges.map((e) => e.url)).toEqual([stack.urls[0], stack.urls[1]]);
      expect((await storedReports(db, [mac])).get(mac)).toEqual([expectedStoredItems(mac)]);
    });

    it('answers CleanUp with cleanup-reason=overload when the services do not answer in time', async () => {
      await stack.processes.find((p) => p.name === 'inventory')!.stop();
      const body = buildWorkpointMessage({ nonce: 'FEEDBEEF', maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: randomMac() }] });
      const res = await rawHttps(stack.urls[0]!, { body });
      expect(res.status).toBe(200);
      expect(parseDlsMessage(res.body)).toMatchObject({ nonce: 'FEEDBEEF', action: 'CleanUp', items: [{ name: 'cleanup-reason', value: 'overload' }] });
    });
  }

  if (mode.name === 'embedded') {
    it('keeps the inventory across a restart', async () => {
      const mac = randomMac();
      expect((await new SimulatedPhone({ mac, urls: stack.urls }).startUp()).actions).toEqual(['ReadAllItems', 'CleanUp']);
      await db.end();
      stack = await restart!();
      db = new Pool({ connectionString: (db.options as { connectionString: string }).connectionString, max: 2 });
      // Known phone, configuration unchanged: nothing to read, straight to CleanUp.
      const again = await new SimulatedPhone({ mac, urls: stack.urls, configurationChanged: false }).startUp();
      expect(again.actions).toEqual(['CleanUp']);
      expect((await storedReports(db, [mac])).get(mac)).toHaveLength(1);
    });
  }
});
