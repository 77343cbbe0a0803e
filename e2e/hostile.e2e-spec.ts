import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedPhone } from '@workpoint/phone-sim';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { distinctMacs, eventually, infraFromEnv, randomMac, rawHttps } from '@workpoint/testing';
import {
  controlCharNonceBody,
  longNonceBody,
  manyAttributesBody,
  manyElementsBody,
  overlongValueBody,
  type WpiItem,
} from '@workpoint/wpi-codec';
import { Pool } from 'pg';
import { awaitContactMeAttempt, Cleanup, FAST_CONTACT_ME, notAPhone, reportsOf } from './conformance-harness';
import { RawPhone, reportedItems, stalledRequest } from './hostile-client';

/**
 * Issue 8, "Hostile networks": every attack a client on the phone network (or a web page in
 * the operator's browser) can make without credentials, against the embedded mode and the
 * distributed stack. Each test asserts the refusal of the shared refusal contract and that
 * normal phones (simulated, from 127.0.0.1) keep being served during and after the attack.
 * Attackers use other loopback source addresses (127.0.0.2-5), as the other hosts they would be.
 * No test ever sends to a non-loopback address: where a target is the attack (contact-me to
 * 169.254.169.254), the test only asserts that no attempt was made, and only after a loopback
 * canary proved the guard holds.
 */

/** Explicit so the element-cap body (1 MiB, ~110k attributes) is within the body limit whatever the default. */
const MAX_BODY_BYTES = 1048576;
const PER_SOURCE_MAX_CONCURRENT = 6;
const STACK_ENV: Record<string, string> = {
  ...FAST_CONTACT_ME,
  MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  PER_SOURCE_MAX_CONCURRENT: String(PER_SOURCE_MAX_CONCURRENT),
};

const ATTACKER = '127.0.0.2';
const CROWD = '127.0.0.3';
const KEY_SPRAYER = '127.0.0.4';
const NO_KEY = '127.0.0.5';
const UNKNOWN_NONCE = 'no mac-addr, no valid session cookie, and no interaction opened with this nonce';

interface Mode {
  name: 'distributed' | 'embedded';
  start(): Promise<{ stack: RunningStack; db: Pool; cleanUp?: () => void }>;
}

const distributed: Mode = {
  name: 'distributed',
  async start() {
    const infra = infraFromEnv();
    const stack = await startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 2, env: STACK_ENV });
    return { stack, db: new Pool({ connectionString: infra.databaseUrl, max: 2 }) };
  },
};

const embedded: Mode = {
  name: 'embedded',
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-hostile-'));
    const stack = await startEmbedded({ dataDir, env: STACK_ENV });
    return { stack, db: new Pool({ connectionString: stack.databaseUrl!, max: 2 }), cleanUp: () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

describe.each([distributed, embedded])('hostile networks, $name mode', (mode) => {
  let stack: RunningStack;
  let db: Pool;
  let cleanUpDir: (() => void) | undefined;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    ({ stack, db, cleanUp: cleanUpDir } = await mode.start());
    // An idle connection the server closes (seen once from the embedded PostgreSQL under load)
    // is dropped by the pool and reopened by the next query; without a listener it would crash
    // the test run. Queries still fail loudly.
    db.on('error', () => undefined);
  });
  afterEach(() => cleanup.run());
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    cleanUpDir?.();
  });

  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${stack.apiKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  /** Normal phones from 127.0.0.1, `concurrency` at a time (below the per-source limit): each start-up must complete. */
  async function servePhones(count: number, concurrency = 3): Promise<void> {
    const macs = distinctMacs(count);
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < macs.length) {
          const mac = macs[next++]!;
          const result = await new SimulatedPhone({ mac, urls: stack.urls, itemCount: 20 }).startUp();
          if (!result.ok) failures.push(`${mac}: ${result.error ?? result.actions.join(',')}`);
        }
      }),
    );
    expect(failures).toEqual([]);
  }

  /** Whether inventory has ever recorded the phone (after a normal phone went all the way through). */
  async function registered(mac: string): Promise<boolean> {
    await servePhones(1, 1);
    const { rows } = await db.query('SELECT 1 FROM inventory.phone WHERE mac = $1', [mac]);
    const viaApi = await api(`/api/v1/phones/${mac}`);
    return rows.length > 0 || viaApi.status !== 404;
  }

  describe('the phone edge', () => {
    it.each([
      ['129 characters', () => longNonceBody(129, randomMac())],
      ['100 000 characters', () => longNonceBody(100_000, randomMac())],
    ])('refuses a nonce of %s with 400 bad-nonce and registers nothing', async (_, body) => {
      const message = body();
      const mac = /name="mac-addr">([^<]+)</.exec(message.toString('utf8'))![1]!;
      const answer = await rawHttps(stack.urls[0]!, { body: message, localAddress: ATTACKER });
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^text\/plain/);
      expect(answer.body).toMatch(/^bad-nonce:/);
      expect(await registered(mac)).toBe(false);
    });

    it('refuses a nonce with control characters with 400 bad-nonce and registers nothing', async () => {
      const mac = randomMac();
      const answer = await rawHttps(stack.urls[0]!, { body: controlCharNonceBody(mac), localAddress: ATTACKER });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/^bad-nonce:/);
      expect(await registered(mac)).toBe(false);
    });

    it('refuses maximum-size bodies (413 over the limit, 400 too-many-elements over the element cap) while a phone storm is served', async () => {
      const storm = servePhones(12, 4);
      const [over, attributes, elements] = await Promise.all([
        rawHttps(stack.urls[0]!, { body: manyAttributesBody(MAX_BODY_BYTES + 1), localAddress: ATTACKER }),
        rawHttps(stack.urls[0]!, { body: manyAttributesBody(MAX_BODY_BYTES), localAddress: ATTACKER }),
        rawHttps(stack.urls.at(-1)!, { body: manyElementsBody(MAX_BODY_BYTES), localAddress: ATTACKER }),
      ]);
      await storm;
      expect(over.status).toBe(413);
      expect({ status: attributes.status, body: attributes.body.slice(0, 40) }).toEqual({ status: 400, body: expect.stringMatching(/^too-many-elements:/) });
      expect({ status: elements.status, body: elements.body.slice(0, 40) }).toEqual({ status: 400, body: expect.stringMatching(/^too-many-elements:/) });
      await servePhones(2);
    });

    it.each([
      ['contact-me-uri', 300],
      ['device-type', 300],
    ])('answers an overlong %s with CleanUp value-too-long, registers nothing, and serves the next phone', async (item, length) => {
      const mac = randomMac();
      const body = overlongValueBody(item, length, mac, 'A1B2C3D4E5F60718293A4B5C6D7E8F90');
      const answer = await rawHttps(stack.urls[0]!, { body, localAddress: ATTACKER });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/<Action>CleanUp<\/Action>/);
      expect(answer.body).toContain('nonce="A1B2C3D4E5F60718293A4B5C6D7E8F90"');
      expect(answer.body).toMatch(/<!--\s*value-too-long/);
      expect(answer.body).toContain(item);
      expect(answer.body).not.toContain('x'.repeat(100));
      expect(await registered(mac)).toBe(false);
    });

    it(`answers 503 busy with Retry-After beyond ${PER_SOURCE_MAX_CONCURRENT} requests in flight from one source, and serves other sources meanwhile`, async () => {
      const stalled = await Promise.all(Array.from({ length: PER_SOURCE_MAX_CONCURRENT }, () => stalledRequest(stack.urls[0]!, CROWD)));
      cleanup.add(() => stalled.forEach((request) => request.release()));
      const phone = new RawPhone(stack.urls[0]!, randomMac(), CROWD);
      // The stalled requests' headers may still be on their way: a few tries, until one is refused.
      const refused = await eventually(async () => {
        const answer = await phone.startUp(reportedItems());
        return answer.status === 503 ? answer : undefined;
      }, 5_000, 100).catch(() => phone.startUp(reportedItems()));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body).toMatch(/^busy:/);
      await servePhones(3);
      stalled.forEach((request) => request.release());
      const served = await eventually(async () => {
        const answer = await phone.startUp(reportedItems());
        return answer.status === 200 ? answer : undefined;
      }, 20_000, 200);
      expect(served.dls?.action).toBe('ReadAllItems');
    });
  });

  describe('correlation', () => {
    it("files a cookie-less reply with A's nonce from another address nowhere, and another MAC with A's nonce does not break A", async () => {
      const mac = randomMac();
      const a = new RawPhone(stack.urls[0]!, mac);
      const genuine = reportedItems();
      expect((await a.startUp(genuine)).dls?.action).toBe('ReadAllItems');

      const forged = await a.readAllReply(reportedItems({ e164: '4966600000' }), { withMac: false, cookie: null, localAddress: ATTACKER, url: stack.urls.at(-1)! });
      expect(forged.dls).toMatchObject({ nonce: a.nonce, action: 'CleanUp' });
      expect(forged.body).toContain(UNKNOWN_NONCE);

      const b = new RawPhone(stack.urls.at(-1)!, randomMac(), ATTACKER);
      b.nonce = a.nonce;
      expect((await b.send({ reason: 'start-up', items: reportedItems() })).status).toBe(200);

      const reply = await a.readAllReply(genuine, { withMac: false, cookie: null });
      expect(reply.dls).toMatchObject({ nonce: a.nonce, action: 'CleanUp' });
      const reports = await reportsOf(db, mac);
      expect(reports.map((report) => report.kind)).toEqual(['full']);
      expect(reports[0]!.items).toEqual(expect.arrayContaining(genuine.map((item) => expect.objectContaining(item))));
    });

    it('refuses the cookie and the nonce of an interaction that ended with CleanUp, on every gateway', async () => {
      const mac = randomMac();
      const phone = new RawPhone(stack.urls[0]!, mac);
      const items = reportedItems();
      expect((await phone.startUp(items)).dls?.action).toBe('ReadAllItems');
      const cookie = phone.cookie;
      expect(cookie).toBeDefined();
      expect((await phone.readAllReply(items)).dls?.action).toBe('CleanUp');
      // The end travels to the other instances as an event: wait until each has heard of it. The
      // probe is a `status` message, which stores no report whether the cookie is taken or not.
      for (const url of stack.urls) {
        await eventually(async () => {
          const probe = await phone.send({ reason: 'status', items: [] }, { withMac: false, cookie: cookie!, url });
          return probe.body.includes('no valid session cookie') ? true : undefined;
        }, 15_000);
      }

      for (const url of stack.urls) {
        const withCookie = await phone.send({ reason: 'inventory-changes', items: [{ name: 'e164', value: '4966600001' }] }, { withMac: false, cookie: cookie!, url });
        expect(withCookie.dls?.action).toBe('CleanUp');
        const withNonce = await phone.readAllReply(reportedItems({ e164: '4966600002' }), { withMac: false, cookie: null, url });
        expect(withNonce.dls?.action).toBe('CleanUp');
      }
      await servePhones(1, 1);
      expect((await reportsOf(db, mac)).map((report) => report.kind)).toEqual(['full']);
    });

    it('answers a reply-to fragment of an unknown or overlong action with CleanUp and stores nothing', async () => {
      const mac = randomMac();
      const phone = new RawPhone(stack.urls[0]!, mac);
      expect((await phone.startUp(reportedItems())).dls?.action).toBe('ReadAllItems');
      const unknown = await phone.send({ reason: 'reply-to', replyTo: { action: 'FormatEverything', status: 'accepted' }, fragment: 'next', items: reportedItems() });
      expect(unknown.dls?.action).toBe('CleanUp');

      const other = new RawPhone(stack.urls[0]!, randomMac());
      expect((await other.startUp(reportedItems())).dls?.action).toBe('ReadAllItems');
      const overlong = await other.send({ reason: 'reply-to', replyTo: { action: 'R'.repeat(65), status: 'accepted' }, fragment: 'next', items: reportedItems() });
      expect(overlong.dls?.action).toBe('CleanUp');
      expect(overlong.body).toMatch(/<!--\s*value-too-long/);

      const { rows } = await db.query('SELECT count(*)::int AS n FROM inventory.reply_fragment WHERE mac = ANY($1)', [[mac, other.mac]]);
      expect(rows[0].n).toBe(0);
    });

    it('ends a reply that keeps fragmenting with CleanUp and never stores the part over the cap', async () => {
      const mac = randomMac();
      const phone = new RawPhone(stack.urls[0]!, mac);
      expect((await phone.startUp(reportedItems())).dls?.action).toBe('ReadAllItems');
      const part: WpiItem[] = Array.from({ length: 20 }, (_, i) => ({ name: 'line-key-label', index: i + 1, value: `key ${i + 1}` }));
      let accepted = 0;
      let last: string | undefined;
      for (let n = 0; n < 400; n++) {
        const answer = await phone.send({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'next', items: part });
        last = answer.dls?.action;
        if (last !== 'GetNextFragment') break;
        accepted += 1;
      }
      expect(last).toBe('CleanUp');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM inventory.reply_fragment WHERE mac = $1', [mac]);
      expect(rows[0].n).toBeLessThanOrEqual(accepted);
      expect(await reportsOf(db, mac)).toEqual([]);
      await servePhones(1, 1);
    });
  });

  describe('contact-me', () => {
    /** A phone that started up from `from` reporting `contactMeUri`, then asked to call back through the API. */
    async function askToCallBack(contactMeUri: string, from: string): Promise<string> {
      const mac = randomMac();
      const phone = new RawPhone(stack.urls[0]!, mac, from);
      const items = reportedItems({ 'contact-me-uri': contactMeUri });
      expect((await phone.startUp(items)).dls?.action).toBe('ReadAllItems');
      expect((await phone.readAllReply(items)).dls?.action).toBe('CleanUp');
      await eventually(async () => {
        const queued = await api(`/api/v1/phones/${mac}/jobs`, { method: 'POST', body: { type: 'read-items', items: [{ name: 'e164' }] } });
        return queued.status === 202 ? true : undefined;
      }, 20_000, 200);
      return mac;
    }

    /** Loopback other than the phone's own source address: must be refused, and no request may arrive. */
    async function loopbackCanary(): Promise<void> {
      const listener = await notAPhone(cleanup, { status: 204 });
      const mac = await askToCallBack(listener.url, ATTACKER);
      const attempt = await awaitContactMeAttempt(db, mac);
      expect({ outcome: attempt.outcome, requests: listener.seen.length }).toEqual({ outcome: 'invalid-target', requests: 0 });
    }

    it('never contacts a loopback address other than the phone’s own: outcome invalid-target, nothing requested', async () => {
      await loopbackCanary();
      await servePhones(1, 1);
    });

    it('never contacts link-local (metadata) or foreign private targets: outcome invalid-target, no attempt made', async () => {
      // Guard first: if the loopback canary were contacted, the targets below would be too,
      // and this suite must never send anything off loopback.
      await loopbackCanary();
      for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1:8085/contact_dls.html/ContactDLS']) {
        const mac = await askToCallBack(target, '127.0.0.1');
        const attempt = await awaitContactMeAttempt(db, mac);
        expect({ target, outcome: attempt.outcome, httpStatus: attempt.http_status }).toEqual({ target, outcome: 'invalid-target', httpStatus: null });
      }
    });
  });

  describe('operator API', () => {
    const commandPath = '/api/v1/commands/wpi.contact-me.requested.v1';

    it('refuses commands as text/plain (415) and without a key (401)', async () => {
      const command = JSON.stringify({ mac: randomMac() });
      const plain = await rawHttps(`${stack.apiUrl}${commandPath}`, {
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'text/plain' },
        body: command,
      });
      expect(plain.status).toBe(415);
      const anonymous = await rawHttps(`${stack.apiUrl}${commandPath}`, { headers: { 'content-type': 'application/json' }, body: command, localAddress: NO_KEY });
      expect(anonymous.status).toBe(401);
    });

    it('leaves no unauthenticated command intake: a stack that still reports the old port refuses a text/plain command there', async () => {
      const legacy = (stack as { commandUrl?: string }).commandUrl;
      const outcome = legacy
        ? await rawHttps(`${legacy}/commands/wpi.contact-me.requested.v1`, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ mac: randomMac() }) }).then(
            (answer) => answer.status,
            (error: NodeJS.ErrnoException) => error.code,
          )
        : 'no intake';
      expect([401, 415, 'ECONNREFUSED', 'no intake']).toContain(outcome);
    });

    it('answers 429 with Retry-After to a source after 10 failed authentications, and only to that source', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < 10; n++) {
        const answer = await rawHttps(`${stack.apiUrl}/api/v1/phones`, { method: 'GET', headers: { authorization: `Bearer wp_not-a-key-${n}` }, localAddress: KEY_SPRAYER });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual(Array(10).fill(401));
      for (const authorization of ['Bearer wp_not-a-key-again', `Bearer ${stack.apiKey}`]) {
        const limited = await rawHttps(`${stack.apiUrl}/api/v1/phones`, { method: 'GET', headers: { authorization }, localAddress: KEY_SPRAYER });
        expect(limited.status).toBe(429);
        expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      }
      expect((await api('/api/v1/phones?limit=1')).status).toBe(200);
    });

    it('exports a phone-reported value V3;=1+1 as a neutralised CSV field', async () => {
      const mac = randomMac();
      const result = await new SimulatedPhone({ mac, urls: stack.urls, itemCount: 20, softwareVersion: 'V3;=1+1' }).startUp();
      expect(result.ok).toBe(true);
      const line = await eventually(async () => {
        const csv = await (await api(`/api/v1/phones/export.csv?softwareVersion=${encodeURIComponent('V3;=1+1')}`)).text();
        return csv.split(/\r?\n/).find((row) => row.includes(mac));
      }, 20_000, 200);
      expect(line).toContain(`"V3;'=1+1"`);
      expect(line).not.toMatch(/(^|[,;])=1\+1/);
    });
  });
});
