import { randomBytes } from 'node:crypto';
import { type ActionStep, type InteractionResult, type SimulatedPhone } from '@workpoint/phone-sim';
import { distinctMacs, eventually, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { callBack, Cleanup, distributed, embedded, type Mode, reachablePhone, type RunningMode } from './conformance-harness';

/**
 * Configuration management end to end, on the real broker and database, with simulated phones:
 * an operator says through the API what phones should have; each phone gets exactly the
 * difference on its call-back, keeps it, gets it back after a factory reset, has an enforced
 * local change written back and an adopted one kept as its own.
 */

const SECRET = `E2e-${randomBytes(6).toString('hex')}`;

/** The profile under test; per phone, what differs from the simulator's factory items is written. */
function profileItems() {
  return [
    { name: 'sntp-addr', value: 'ntp.workpoint.test' },
    { name: 'country-iso', value: 'DE' }, // the phone has it already: never written
    { name: 'vlan-id', value: '0' }, // the same
    { name: 'ldap-server-address', value: 'ldap.workpoint.test' },
    { name: 'display-id', value: '{{e164}}' },
    { name: 'sip-pwd', value: SECRET },
    { name: 'language-iso', value: 'en', policy: 'adopt' as const },
  ];
}

/** What a phone with the simulator's factory items must be sent for that profile. */
function expectedWrite(phone: SimulatedPhone): WpiItem[] {
  const e164 = phone.items.find((i) => i.name === 'e164')?.value ?? '';
  return sortItems([
    { name: 'sntp-addr', value: 'ntp.workpoint.test' },
    { name: 'ldap-server-address', value: 'ldap.workpoint.test' },
    { name: 'display-id', value: e164 },
    { name: 'sip-pwd', value: SECRET },
    { name: 'language-iso', value: 'en' },
  ]);
}

const sortItems = (items: readonly WpiItem[]) =>
  items.map((i) => ({ name: i.name, ...(i.index !== undefined ? { index: i.index } : {}), value: i.value })).sort((a, b) => a.name.localeCompare(b.name));

const writesOf = (result: InteractionResult): ActionStep[] => (result.steps ?? []).filter((s) => s.action === 'WriteItems');
const valueOn = (phone: SimulatedPhone, name: string) => phone.items.find((i) => i.name === name && i.index === undefined)?.value;

/** The parts of API answers these tests read. */
interface Answer {
  phones?: { driftCount: number; writePending: boolean }[];
  overrides?: unknown[];
  driftCount?: number;
  writePending?: boolean;
  effective?: { items: unknown[] };
}

interface Api {
  (method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }>;
}

function apiOf(mode: RunningMode): Api {
  return async (method, path, body) => {
    const response = await fetch(`${mode.stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${mode.stack.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer };
  };
}

async function createProfile(api: Api, name: string): Promise<void> {
  const created = await api('POST', '/api/v1/profiles', { name, layer: 'phone', items: profileItems() });
  expect(created.status).toBe(201);
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

describe('configuration management at fleet scale, distributed mode', () => {
  let mode: RunningMode;
  const cleanup = new Cleanup();
  beforeAll(async () => {
    mode = await distributed.start();
  });
  afterAll(async () => {
    await cleanup.run();
    await mode?.stop();
  });

  it('a profile assigned to 500 phones through the API reaches each on its call-back as exactly the difference, and leaves no drift', async () => {
    const api = apiOf(mode);
    const phones = await inBatches(
      distinctMacs(500),
      50,
      (mac) => reachablePhone({ mac, urls: mode.stack.urls }, cleanup),
    );
    const profile = `fleet-${randomBytes(3).toString('hex')}`;
    await createProfile(api, profile);

    const assigned = await api('POST', `/api/v1/profiles/${profile}/phones`, { macs: phones.map((p) => p.phone.mac) });
    expect(assigned).toMatchObject({ status: 200, body: { changed: 500, unchanged: 0 } });

    const callBacks = await inBatches(phones, 100, ({ listener }) => callBack(listener));
    for (const [i, result] of callBacks.entries()) {
      const { phone } = phones[i]!;
      expect(result.ok).toBe(true);
      const writes = writesOf(result);
      expect(writes).toHaveLength(1);
      expect(writes[0]!.answer).toBe('reply-to WriteItems accepted');
      expect(sortItems(writes[0]!.items)).toEqual(expectedWrite(phone));
      expect(valueOn(phone, 'sntp-addr')).toBe('ntp.workpoint.test');
    }

    const drifting = await eventually(async () => {
      const list = await api('GET', `/api/v1/phones?profile=${profile}&limit=1000`);
      const phonesOfProfile = list.body.phones ?? [];
      return phonesOfProfile.length === 500 && phonesOfProfile.every((p) => !p.writePending) ? phonesOfProfile : undefined;
    }, 30_000);
    expect(drifting.filter((p) => p.driftCount > 0)).toEqual([]);
    const withDrift = await api('GET', `/api/v1/phones?profile=${profile}&hasDrift=true`);
    expect(withDrift.body.phones).toEqual([]);
  });
});

describe.each([distributed, embedded])('configuration management, $name mode', (m: Mode) => {
  let mode: RunningMode;
  let api: Api;
  const profile = `e2e-${randomBytes(3).toString('hex')}`;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    mode = await m.start();
    api = apiOf(mode);
    await createProfile(api, profile);
  });
  afterEach(() => cleanup.run());
  afterAll(() => mode?.stop());

  /** A phone that started up, got the profile assigned and converged on its call-back. */
  async function convergedPhone() {
    const reachable = await reachablePhone({ mac: randomMac(), urls: mode.stack.urls }, cleanup);
    const put = await api('PUT', `/api/v1/assignments/${reachable.phone.mac}`, { profiles: [profile] });
    expect(put.status).toBe(200);
    const first = await callBack(reachable.listener);
    expect(sortItems(writesOf(first)[0]?.items ?? [])).toEqual(expectedWrite(reachable.phone));
    return reachable;
  }

  it('serves the same OpenAPI document, without a key', async () => {
    const response = await fetch(`${mode.stack.apiUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/phones', '/api/v1/profiles', '/api/v1/imports']));
  });

  it('a phone factory-reset to defaults converges again on its next start-up, secrets included', async () => {
    const { phone, listener } = await convergedPhone();
    const reset = await api('POST', `/api/v1/phones/${phone.mac}/jobs`, { type: 'factory-reset' });
    expect(reset.status).toBe(202);
    const resetCall = await callBack(listener, 1);
    expect((resetCall.steps ?? []).map((s) => s.action)).toContain('Restart');
    expect(valueOn(phone, 'sntp-addr')).toBe('pool.ntp.org');

    const startUp = await phone.startUp();
    expect(startUp.ok).toBe(true);
    expect((startUp.steps ?? []).map((s) => s.action)).toEqual(['ReadAllItems', 'WriteItems', 'CleanUp']);
    expect(sortItems(writesOf(startUp)[0]!.items)).toEqual(expectedWrite(phone));
    expect(valueOn(phone, 'sip-pwd')).toBe(SECRET);
    const after = await api('GET', `/api/v1/phones/${phone.mac}`);
    expect(after.body).toMatchObject({ driftCount: 0, writePending: false });
  });

  it('an enforced item changed on the phone is written back on that contact', async () => {
    const { phone } = await convergedPhone();
    const local = await phone.localChanges({ items: [{ name: 'sntp-addr', value: 'ntp.local.example' }], attached: true });
    expect(local.ok).toBe(true);
    expect(writesOf(local).map((w) => sortItems(w.items))).toEqual([[{ name: 'sntp-addr', value: 'ntp.workpoint.test' }]]);
    expect(valueOn(phone, 'sntp-addr')).toBe('ntp.workpoint.test');
  });

  it('an adopted item changed on the phone becomes its override and is not written back', async () => {
    const { phone } = await convergedPhone();
    const local = await phone.localChanges({ items: [{ name: 'language-iso', value: 'fr' }], attached: true });
    expect(local.ok).toBe(true);
    expect(writesOf(local)).toEqual([]);
    expect(valueOn(phone, 'language-iso')).toBe('fr');

    const assignment = await api('GET', `/api/v1/assignments/${phone.mac}`);
    expect(assignment.body.overrides).toEqual([{ name: 'language-iso', value: 'fr', policy: 'adopt' }]);
    const detail = await api('GET', `/api/v1/phones/${phone.mac}`);
    expect(detail.body.driftCount).toBe(0);
    expect(detail.body.effective?.items).toContainEqual({ name: 'language-iso', value: 'fr', policy: 'adopt', source: { profile: 'phone overrides', layer: 'phone' } });
    // The next contact writes nothing either.
    const solicited = await phone.solicited();
    expect(writesOf(solicited)).toEqual([]);
  });
});
