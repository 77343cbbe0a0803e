import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { infraFromEnv, randomMac, rawHttps } from '@workpoint/testing';
import { buildWorkpointMessage, parseDlsMessage } from '@workpoint/wpi-codec';
import { Pool } from 'pg';

/**
 * A phone whose reply-to comes back without its session cookie and without mac-addr
 * (protocol.md §2.4, §9 Q21) is still tied to its interaction by the nonce it repeats — in the
 * distributed mode even when the reply reaches another gateway instance than the start-up —
 * but only from the address the interaction was opened from, and only until it ended.
 */
interface Mode {
  name: string;
  start(): Promise<{ stack: RunningStack; db: Pool; cleanUp?: () => Promise<void> | void }>;
}

const distributed: Mode = {
  name: 'distributed',
  async start() {
    const infra = infraFromEnv();
    const stack = await startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 2 });
    return { stack, db: new Pool({ connectionString: infra.databaseUrl, max: 2 }) };
  },
};

const embedded: Mode = {
  name: 'embedded',
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-cookieless-'));
    const stack = await startEmbedded({ dataDir });
    const db = new Pool({ connectionString: stack.databaseUrl!, max: 2 });
    return { stack, db, cleanUp: () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

const REPORTED = [
  { name: 'e164', value: '498912345' },
  { name: 'device-type', value: 'OpenStage 60' },
  { name: 'software-version', value: 'V3 R5.12.0' },
];

describe.each([distributed, embedded])('reply-to without cookie and mac-addr, $name mode', (mode) => {
  let stack: RunningStack;
  let db: Pool;
  let cleanUp: (() => void) | undefined;

  beforeAll(async () => {
    ({ stack, db, cleanUp } = await mode.start());
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await cleanUp?.();
  });

  const reportsOf = async (mac: string) =>
    (await db.query<{ kind: string; items: Array<{ name: string; value: string | null }> }>('SELECT kind, items FROM inventory.phone_report WHERE mac = $1', [mac])).rows;
  const startUp = (mac: string, nonce: string) =>
    rawHttps(stack.urls[0]!, { body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: mac }, ...REPORTED] }) });
  const reply = (nonce: string, opts: { cookie?: string; localAddress?: string } = {}) =>
    rawHttps(stack.urls.at(-1)!, {
      body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: REPORTED }),
      ...(opts.cookie ? { headers: { Cookie: opts.cookie } } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });

  it('is tied to the phone by its nonce: the reported items are stored under its MAC', async () => {
    const mac = randomMac();
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    expect(parseDlsMessage((await startUp(mac, nonce)).body)).toMatchObject({ nonce, action: 'ReadAllItems' });

    // The last gateway: the other instance in the distributed mode.
    const answer = await reply(nonce);
    expect(answer.status).toBe(200);
    // The services' own CleanUp (nothing queued), not the gateway's overload answer.
    expect(parseDlsMessage(answer.body)).toMatchObject({ nonce, action: 'CleanUp', items: [] });
    // An identified phone's session is ended; an unidentified one never got a cookie to clear.
    expect(String(answer.headers['set-cookie'])).toMatch(/^JSESSIONID=; .*Max-Age=0/);

    const rows = await reportsOf(mac);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('full');
    expect(rows[0]!.items).toEqual(expect.arrayContaining(REPORTED.map((i) => expect.objectContaining(i))));
  });

  it('is answered CleanUp, with no session to end, when no interaction was opened with its nonce', async () => {
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    const reply = await rawHttps(stack.urls[0]!, {
      body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: REPORTED }),
    });
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce, action: 'CleanUp' });
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('is not tied to the phone when it comes from another address; the phone itself still is', async () => {
    const mac = randomMac();
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    expect(parseDlsMessage((await startUp(mac, nonce)).body).action).toBe('ReadAllItems');

    const foreign = await reply(nonce, { localAddress: '127.0.0.2' });
    expect(parseDlsMessage(foreign.body)).toMatchObject({ nonce, action: 'CleanUp' });
    expect(foreign.body).toContain('no mac-addr, no valid session cookie, and no interaction opened with this nonce');
    expect(foreign.headers['set-cookie']).toBeUndefined();

    const own = await reply(nonce);
    expect(String(own.headers['set-cookie'])).toMatch(/^JSESSIONID=; .*Max-Age=0/);
    const rows = await reportsOf(mac);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.items).toEqual(expect.arrayContaining(REPORTED.map((i) => expect.objectContaining(i))));
  });

  it('no longer accepts the cookie nor the nonce of an interaction that ended with CleanUp', async () => {
    const mac = randomMac();
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    const opened = await startUp(mac, nonce);
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    expect(parseDlsMessage((await reply(nonce, { cookie })).body).action).toBe('CleanUp');

    // The gateway that answered CleanUp: it knows at once (another instance learns it from wpi.session.closed.v1).
    const again = await reply(nonce, { cookie });
    expect(parseDlsMessage(again.body)).toMatchObject({ nonce, action: 'CleanUp' });
    expect(again.body).toContain('no interaction opened with this nonce');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(await reportsOf(mac)).toHaveLength(1);
  });
});
