import { ModuleRef } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import {
  ConfigurationJobRequestedTopic,
  ContactMeRequestedTopic,
  DeploymentJobRequestedTopic,
  type JobRequested,
  type TopicContract,
} from '@workpoint/contracts';
import { type ApiErrorBody, generateApiKey, hashApiKeySecret, parseApiKey } from '@workpoint/http-api';
// Test-only helper, deliberately not exported from the library's index.
import { validateOpenApiDocument } from '@workpoint/http-api/src/testing/openapi-validation';
import { isSecretItem } from '@workpoint/logging';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { capturingLogger, distinctMacs, eventually, randomId, randomMac } from '@workpoint/testing';
import type { z } from 'zod';
import { ConfigurationModule } from '../configuration.module';
import { CONFIGURATION_SCHEMA } from '../configuration.schema';
import type {
  ApiKeyCreated,
  ApiKeyView,
  AssignmentView,
  AuditPage,
  DriftSummary,
  HistoryPage,
  ImportResult,
  JobAccepted,
  JobView,
  PhoneDetail,
  PhoneList,
  PreviewView,
  ProfileSaved,
  ProfileView,
  SiteView,
  TagList,
} from './api-schemas';
import { ApiKeyEntity } from '../desired-state/desired-state.entities';
import { ApiKeys } from './access';
import { ApiKeyRepository } from './api-key.repository';
import type { ChangeFanout } from './change-fanout';
import { OperatorApi } from './operator-api';
import { OPERATOR_API_ROUTE_LIST } from './operator-api.routes';

// The operator API of a configuration service running on the real broker and database,
// driven over HTTP with fetch. Every test makes its own names, tags and MACs, so none depends
// on another (the Kafka block shares one setup among its tests); the last block also checks
// what all of them left behind (logs, audit rows, tables).

type Profile = z.output<typeof ProfileView>;
type Saved = z.output<typeof ProfileSaved>;
type Phone = z.output<typeof PhoneDetail>;
type Page = z.output<typeof PhoneList>;
type Assignment = z.output<typeof AssignmentView>;
type Preview = z.output<typeof PreviewView>;
type Imported = z.output<typeof ImportResult>;
type Job = z.output<typeof JobView>;
type Audit = z.output<typeof AuditPage>;
type Key = z.output<typeof ApiKeyView>;
type CreatedKey = z.output<typeof ApiKeyCreated>;
type Site = z.output<typeof SiteView>;
type Bulk = { changed: number; unchanged: number; affectedPhones: number };
type Resynced = { mac: string; writes: number; drift: number; faults: number; pending: boolean };
type OpenApi = { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };

const admin = generateApiKey();
/** Every API key and secret item value this file uses: none may show up in logs or audit rows. */
const keysUsed: string[] = [admin.key];
const secretsUsed: string[] = [];

let h: StageHarness;
let base = '';
let readOnly: CreatedKey;
let operator: CreatedKey;

function secretValue(): string {
  const value = `S3cr3t-${randomBytes(8).toString('hex')}`;
  secretsUsed.push(value);
  return value;
}

const name = (prefix: string) => randomId(prefix);
/** The same MAC bare and lower-case (`025750a1b2c3`), a notation the API must accept. */
const bare = (mac: string) => mac.replace(/:/g, '').toLowerCase();
const byName = <T extends { name: string }>(items: readonly T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

interface Reply<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
  error: ApiErrorBody['error'] | undefined;
}

interface CallOptions {
  /** Defaults to the bootstrap admin key; null sends none. */
  key?: string | null;
  json?: unknown;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

async function call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...o.headers };
  const key = o.key === undefined ? admin.key : o.key;
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  let body = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  }
  if (o.contentType) headers['content-type'] = o.contentType;
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  const parsed = (res.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(text) as unknown) : undefined;
  return { status: res.status, headers: res.headers, text, body: parsed as T, error: (parsed as Partial<ApiErrorBody> | undefined)?.error };
}

const get = <T>(path: string, key?: string | null) => call<T>('GET', path, { key });

async function createKey(role: 'read-only' | 'operator' | 'admin'): Promise<CreatedKey> {
  const r = await call<CreatedKey>('POST', '/api/v1/api-keys', { json: { name: name(role), role } });
  expect(r.status).toBe(201);
  keysUsed.push(r.body.key);
  return r.body;
}

const actorOf = (k: { id: string; name: string; role: string }) => `${k.name} (key ${k.id}, ${k.role})`;

async function createProfile(body: Record<string, unknown>, key = operator.key): Promise<Saved> {
  const r = await call<Saved>('POST', '/api/v1/profiles', { key, json: body });
  expect(r).toMatchObject({ status: 201 });
  return r.body;
}

async function assign(mac: string, change: Record<string, unknown>, key = operator.key): Promise<Assignment> {
  const r = await call<Assignment>('PUT', `/api/v1/assignments/${mac}`, { key, json: change });
  expect(r).toMatchObject({ status: 200 });
  return r.body;
}

async function auditOf(entityType: string, entityId: string): Promise<Audit['entries']> {
  const r = await get<Audit>(`/api/v1/audit?entityType=${entityType}&entityId=${encodeURIComponent(entityId)}`);
  expect(r.status).toBe(200);
  return r.body.entries;
}

/** Rows only list views need (no phone contact): straight into the service's table. */
async function insertPhone(row: Record<string, unknown> & { mac: string }): Promise<void> {
  const columns = Object.keys(row);
  await h.dataSource.query(
    `INSERT INTO configuration.managed_phone (${columns.join(', ')}, updated_at) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, now())`,
    columns.map((c) => row[c]),
  );
}

beforeAll(async () => {
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, () =>
    // Several tests fail authentication on purpose; the per-source limit has a server of its own below.
    ConfigurationModule.forRoot({ secretKey: randomBytes(32).toString('base64'), api: { host: '127.0.0.1', port: 0, adminKey: admin.key, authFailuresPerMinute: 1000 } }),
  );
  base = `http://127.0.0.1:${h.app.get(OperatorApi).port}`;
  // Inventory owns the contact-me topic (the broker creates no topics on its own); configuration
  // only publishes to it, so here, without inventory, the test creates it.
  await h.bus.ensureTopics([ContactMeRequestedTopic, DeploymentJobRequestedTopic]);
  readOnly = await createKey('read-only');
  operator = await createKey('operator');
});
afterAll(() => h?.close());

describe('the OpenAPI document', () => {
  it('is served without a key, is a valid OpenAPI document, and lists every operation of the route table', async () => {
    const r = await get<OpenApi>('/api/v1/openapi.json', null);
    expect(r.status).toBe(200);
    const result = await validateOpenApiDocument(r.body);
    expect({ valid: result.valid, errors: result.errors }).toMatchObject({ valid: true });

    const routes = OPERATOR_API_ROUTE_LIST;
    for (const route of routes) expect({ route: `${route.method} ${route.path}`, operationId: r.body.paths[route.path]?.[route.method.toLowerCase()]?.operationId }).toEqual({ route: `${route.method} ${route.path}`, operationId: route.operationId });
    const documented = Object.values(r.body.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(documented.sort()).toEqual([...routes.map((route) => route.operationId), 'getOpenApiDocument'].sort());
  });
});

describe('authentication and roles', () => {
  it('refuses a request without a key, with a malformed one, and with an unknown one', async () => {
    const none = await get('/api/v1/phones?limit=1', null);
    expect(none).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((none.body as ApiErrorBody).requestId).toBe(none.headers.get('x-request-id'));

    const basic = await call('GET', '/api/v1/phones?limit=1', { key: null, headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } });
    expect(basic).toMatchObject({ status: 401, error: { code: 'unauthenticated', message: expect.stringContaining('Malformed') } });
    expect(await get('/api/v1/phones?limit=1', 'wpk_0123_tooshort')).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });

    const unknown = generateApiKey().key;
    keysUsed.push(unknown);
    expect(await get('/api/v1/phones?limit=1', unknown)).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });
  });

  it('takes the key in X-API-Key as well', async () => {
    const r = await call('GET', '/api/v1/phones?limit=1', { key: null, headers: { 'x-api-key': readOnly.key } });
    expect(r.status).toBe(200);
  });

  it('refuses a revoked key at once on the server that revoked it', async () => {
    const key = await createKey('operator');
    expect((await get('/api/v1/phones?limit=1', key.key)).status).toBe(200); // now in the verification cache
    const revoked = await call<Key>('DELETE', `/api/v1/api-keys/${key.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: key.id, revokedAt: expect.any(String) } });
    expect(await get('/api/v1/phones?limit=1', key.key)).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });

    const listed = await get<{ keys: Key[] }>('/api/v1/api-keys');
    expect(listed.body.keys.find((k) => k.id === key.id)).toMatchObject({ revokedAt: revoked.body.revokedAt });
    expect((await auditOf('api-key', key.id)).map((e) => e.action)).toEqual(['api-key.revoke', 'api-key.create']);
  });

  it('refuses a revoked key at once even when it was in use while being revoked', async () => {
    for (let round = 0; round < 5; round++) {
      const key = await createKey('read-only');
      let revoking = true;
      const busy = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (revoking) await get('/api/v1/tags', key.key);
        }),
      );
      const revoked = await call('DELETE', `/api/v1/api-keys/${key.id}`);
      revoking = false;
      await busy;
      expect(revoked.status).toBe(200);
      expect((await get('/api/v1/tags', key.key)).status).toBe(401);
    }
  });

  it('answers 404 for revoking an unknown key and 400 for a malformed id', async () => {
    expect(await call('DELETE', `/api/v1/api-keys/${generateApiKey().id}`)).toMatchObject({ status: 404, error: { code: 'api-key-not-found' } });
    expect(await call('DELETE', '/api/v1/api-keys/not-an-id')).toMatchObject({ status: 400, error: { code: 'invalid-request', details: [{ path: 'params.id' }] } });
  });

  it('lets a read-only key read but not change, and keeps keys to admins', async () => {
    expect((await get('/api/v1/profiles', readOnly.key)).status).toBe(200);
    const write = await call('POST', '/api/v1/profiles', { key: readOnly.key, json: { name: name('ro'), layer: 'phone', items: [] } });
    expect(write).toMatchObject({ status: 403, error: { code: 'forbidden' } });
    expect(await get('/api/v1/api-keys', operator.key)).toMatchObject({ status: 403, error: { code: 'forbidden' } });
    expect(await call('POST', '/api/v1/api-keys', { key: operator.key, json: { name: 'escalate', role: 'admin' } })).toMatchObject({ status: 403 });
    expect(await call('DELETE', `/api/v1/api-keys/${readOnly.id}`, { key: operator.key })).toMatchObject({ status: 403 });
  });

  it('shows a new key once, and never a secret or hash in the list', async () => {
    const created = await createKey('read-only');
    expect(created).toMatchObject({ role: 'read-only', createdBy: 'bootstrap admin', revokedAt: null });
    expect(parseApiKey(created.key)?.id).toBe(created.id);
    const r = await get<{ keys: Key[] }>('/api/v1/api-keys');
    expect(r.status).toBe(200);
    expect(r.body.keys.map((k) => k.id)).toEqual(expect.arrayContaining([admin.id, readOnly.id, operator.id, created.id]));
    for (const k of r.body.keys) expect(Object.keys(k).sort()).toEqual(['createdAt', 'createdBy', 'id', 'name', 'revokedAt', 'role']);
    for (const key of [admin.key, readOnly.key, operator.key, created.key]) {
      const secret = parseApiKey(key)!.secret;
      expect(r.text).not.toContain(secret);
      expect(r.text).not.toContain(hashApiKeySecret(secret));
    }
  });
});

describe('profiles', () => {
  const items = (sip: string) => [
    { name: 'display-id', value: '{{e164}}' },
    { name: 'sntp-tz-offset', value: '60', policy: 'adopt' },
    { name: 'sip-pwd', value: sip },
  ];

  it('creates a profile with warnings, reads it back without the secret, and stores the secret sealed', async () => {
    const sip = secretValue();
    const pname = name('prof');
    const saved = await createProfile({ name: pname, description: 'desk phones', layer: 'phone', items: items(sip) });
    expect(saved).toMatchObject({ profile: { name: pname, layer: 'phone', version: 1, updatedBy: actorOf(operator) }, affectedPhones: 0 });
    expect(saved.warnings).toEqual(expect.arrayContaining([{ path: 'items[0].value', message: expect.stringContaining('templated') }]));
    expect(saved.profile.items).toEqual([
      { name: 'display-id', value: '{{e164}}', policy: 'enforce' },
      { name: 'sntp-tz-offset', value: '60', policy: 'adopt' },
      { name: 'sip-pwd', secret: true, policy: 'enforce' },
    ]);

    const one = await get<Profile>(`/api/v1/profiles/${pname}`, readOnly.key);
    expect(one.body).toEqual(saved.profile);
    const all = await get<{ profiles: Profile[] }>('/api/v1/profiles', readOnly.key);
    expect(all.body.profiles.find((p) => p.name === pname)).toEqual(saved.profile);
    for (const r of [one, all]) expect(r.text).not.toContain(sip);

    const [row] = (await h.dataSource.query('SELECT items::text AS items FROM configuration.profile WHERE name = $1', [pname])) as { items: string }[];
    expect(row!.items).not.toContain(sip);
    expect(row!.items).toMatch(/"sealed": "enc:v1:/);
    expect(await auditOf('profile', pname)).toMatchObject([{ action: 'profile.create', actor: actorOf(operator), before: null, after: { name: pname, version: 1 } }]);
  });

  it('refuses a profile name that is taken', async () => {
    const pname = name('dup');
    await createProfile({ name: pname, layer: 'phone', items: [] });
    expect(await call('POST', '/api/v1/profiles', { key: operator.key, json: { name: pname, layer: 'phone', items: [] } })).toMatchObject({ status: 409, error: { code: 'profile-exists' } });
  });

  it('updates with the version read, keeps an unsent secret, and refuses a stale version', async () => {
    const sip = secretValue();
    const pname = name('upd');
    const created = await createProfile({ name: pname, layer: 'phone', items: items(sip) });
    const [before] = (await h.dataSource.query('SELECT items FROM configuration.profile WHERE name = $1', [pname])) as { items: { name: string; sealed?: string }[] }[];

    const change = { name: pname, layer: 'phone', description: 'v2', items: [{ name: 'sntp-tz-offset', value: '120' }, { name: 'sip-pwd' }], version: 1 };
    const r = await call<Saved>('PUT', `/api/v1/profiles/${pname}`, { key: operator.key, json: change });
    expect(r).toMatchObject({ status: 200, body: { profile: { version: 2, description: 'v2', createdAt: created.profile.createdAt } } });
    expect(r.body.profile.items).toEqual([{ name: 'sntp-tz-offset', value: '120', policy: 'enforce' }, { name: 'sip-pwd', secret: true, policy: 'enforce' }]);
    const [after] = (await h.dataSource.query('SELECT items FROM configuration.profile WHERE name = $1', [pname])) as { items: { name: string; sealed?: string }[] }[];
    expect(after!.items.find((i) => i.name === 'sip-pwd')?.sealed).toBe(before!.items.find((i) => i.name === 'sip-pwd')?.sealed);

    const stale = await call('PUT', `/api/v1/profiles/${pname}`, { key: operator.key, json: { ...change, description: 'lost' } });
    expect(stale).toMatchObject({ status: 409, error: { code: 'version-conflict', details: { currentVersion: 2 } } });
    expect((await get<Profile>(`/api/v1/profiles/${pname}`)).body).toMatchObject({ version: 2, description: 'v2' });
    expect((await auditOf('profile', pname)).map((e) => e.action)).toEqual(['profile.update', 'profile.create']);
  });

  it('lets exactly one of two concurrent updates of the same version win', async () => {
    const pname = name('race');
    await createProfile({ name: pname, layer: 'phone', items: [] });
    const put = (description: string) => call<Saved>('PUT', `/api/v1/profiles/${pname}`, { key: operator.key, json: { name: pname, layer: 'phone', description, items: [], version: 1 } });
    const [a, b] = await Promise.all([put('first'), put('second')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.error?.code).toBe('version-conflict');
    expect((await get<Profile>(`/api/v1/profiles/${pname}`)).body).toMatchObject({ version: 2, description: winner.body.profile.description });
    expect((await auditOf('profile', pname)).filter((e) => e.action === 'profile.update')).toHaveLength(1);
  });

  it('refuses a rename', async () => {
    const pname = name('ren');
    await createProfile({ name: pname, layer: 'phone', items: [] });
    const r = await call('PUT', `/api/v1/profiles/${pname}`, { key: operator.key, json: { name: `${pname}-new`, layer: 'phone', items: [], version: 1 } });
    expect(r).toMatchObject({ status: 400, error: { code: 'invalid-request', details: [{ path: 'body.name' }] } });
    expect((await get(`/api/v1/profiles/${pname}-new`)).status).toBe(404);
  });

  it.each([
    ['an unknown item', [{ name: 'no-such-item', value: '1' }], 'body.items[0].name', 'unknown item'],
    ['an integer item with letters', [{ name: 'vlan-id', value: 'abc' }], 'body.items[0].value', 'not an integer'],
    ['an enum item with a value outside it', [{ name: 'sntp-tz-offset', value: '60' }, { name: 'Canonical-dialing-dial-external-form', value: '7' }], 'body.items[1].value', 'is not one of 0, 1, 2'],
    ['an unknown placeholder', [{ name: 'display-id', value: 'desk {{nope}}' }], 'body.items[0].value', '{{nope}}'],
    ['a new secret without a value', [{ name: 'sip-pwd' }], 'body.items[0].value', 'needs a value'],
    ['the same item twice', [{ name: 'vlan-id', value: '1' }, { name: 'vlan-id', value: '2' }], 'body.items[1]', 'set twice'],
  ])('refuses %s with 422 naming the item, and saves nothing', async (_, bad, path, message) => {
    const pname = name('bad');
    const r = await call('POST', '/api/v1/profiles', { key: operator.key, json: { name: pname, layer: 'phone', items: bad } });
    expect(r).toMatchObject({ status: 422, error: { code: 'invalid-profile' } });
    expect(r.error?.details).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
    expect((await get(`/api/v1/profiles/${pname}`)).status).toBe(404);
  });

  it('saves an item the catalogue does not know when allowUnknown says so, with a warning', async () => {
    const item = `x-wp-${randomBytes(3).toString('hex')}`;
    const saved = await createProfile({ name: name('unk'), layer: 'phone', items: [{ name: item, value: 'on', allowUnknown: true }] });
    expect(saved.warnings).toContainEqual({ path: 'items[0]', message: `${item}: not in the item catalogue (allowed by allowUnknown)` });
    expect(saved.profile.items).toEqual([{ name: item, value: 'on', policy: 'enforce', allowUnknown: true }]);
  });

  it('refuses layering that extends a missing profile or closes a cycle', async () => {
    const b = name('base');
    const a = name('child');
    await createProfile({ name: b, layer: 'phone', items: [] });
    await createProfile({ name: a, layer: 'phone', extends: [b], items: [] });

    const missing = name('missing');
    const r1 = await call('POST', '/api/v1/profiles', { key: operator.key, json: { name: name('orphan'), layer: 'phone', extends: [missing], items: [] } });
    expect(r1).toMatchObject({ status: 422, error: { details: [{ path: 'body.extends[0]', message: `no profile named "${missing}"` }] } });

    const r2 = await call('PUT', `/api/v1/profiles/${b}`, { key: operator.key, json: { name: b, layer: 'phone', extends: [a], items: [], version: 1 } });
    expect(r2).toMatchObject({ status: 422, error: { details: [{ path: 'body.extends', message: `layering cycle: ${b} → ${a} → ${b}` }] } });
    expect((await get<Profile>(`/api/v1/profiles/${b}`)).body).toMatchObject({ version: 1, extends: [] });
  });

  it('refuses to delete a profile that is extended or assigned, deletes it otherwise', async () => {
    const parent = name('parent');
    const child = name('kid');
    const mac = randomMac();
    await createProfile({ name: parent, layer: 'phone', items: [] });
    await createProfile({ name: child, layer: 'phone', extends: [parent], items: [] });
    await assign(mac, { profiles: [child] });

    expect(await call('DELETE', `/api/v1/profiles/${parent}`, { key: operator.key })).toMatchObject({ status: 409, error: { code: 'profile-in-use', message: expect.stringContaining(child) } });
    expect(await call('DELETE', `/api/v1/profiles/${child}`, { key: operator.key })).toMatchObject({ status: 409, error: { code: 'profile-in-use', message: expect.stringContaining('1 phone') } });

    await assign(mac, { profiles: [] });
    expect(await call('DELETE', `/api/v1/profiles/${child}?version=2`, { key: operator.key })).toMatchObject({ status: 409, error: { code: 'version-conflict' } });
    expect(await call('DELETE', `/api/v1/profiles/${child}?version=1`, { key: operator.key })).toMatchObject({ status: 200, body: { affectedPhones: 0 } });
    expect(await call('DELETE', `/api/v1/profiles/${parent}`, { key: operator.key })).toMatchObject({ status: 200 });
    expect(await get(`/api/v1/profiles/${parent}`)).toMatchObject({ status: 404, error: { code: 'profile-not-found' } });
    expect(await call('DELETE', `/api/v1/profiles/${parent}`, { key: operator.key })).toMatchObject({ status: 404 });
    expect((await auditOf('profile', child)).map((e) => e.action)).toEqual(['profile.delete', 'profile.create']);
  });

  it('answers 413, 415 and 400 for a body too large, of the wrong type, or not JSON', async () => {
    const big = JSON.stringify({ name: name('big'), layer: 'phone', items: [], description: 'x'.repeat(1024 * 1024) });
    expect(await call('POST', '/api/v1/profiles', { key: operator.key, body: big, contentType: 'application/json' })).toMatchObject({ status: 413, error: { code: 'payload-too-large' } });
    expect(await call('POST', '/api/v1/profiles', { key: operator.key, body: 'name=x', contentType: 'application/x-www-form-urlencoded' })).toMatchObject({ status: 415, error: { code: 'unsupported-media-type' } });
    expect(await call('POST', '/api/v1/profiles', { key: operator.key, body: '{"name": "x",', contentType: 'application/json' })).toMatchObject({ status: 400, error: { code: 'invalid-json' } });
    const invalid = await call('POST', '/api/v1/profiles', { key: operator.key, json: { name: 'x', layer: 'planet', items: [], colour: 'red' } });
    expect(invalid).toMatchObject({ status: 400, error: { code: 'invalid-request' } });
    expect((invalid.error?.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['body', 'body.layer']);
  });
});

describe('preview', () => {
  it('shows the effective items with their sources and the writes a draft would cause, secrets masked', async () => {
    const sip = secretValue();
    const pname = name('prev');
    const mac = randomMac();
    const e164 = `+49${digits(8)}`;
    await createProfile({ name: pname, layer: 'phone', items: [{ name: 'display-id', value: 'old' }, { name: 'sip-pwd', value: sip }] });
    await assign(mac, { e164, profiles: [pname] });

    const draft = { name: pname, layer: 'phone', items: [{ name: 'display-id', value: '{{e164}}' }, { name: 'sip-pwd' }, { name: 'vlan-id', value: '12' }] };
    const r = await call<Preview>('POST', '/api/v1/profiles/preview', { key: readOnly.key, json: { mac: bare(mac), profile: draft } });
    expect(r.status).toBe(200);
    const source = { profile: pname, layer: 'phone' };
    expect(r.body.effective).toMatchObject({ ok: true, problems: [] });
    expect(r.body.effective.items).toEqual(
      expect.arrayContaining([
        { name: 'display-id', value: e164, policy: 'enforce', source },
        { name: 'sip-pwd', value: '***', policy: 'enforce', source },
        { name: 'vlan-id', value: '12', policy: 'enforce', source },
      ]),
    );
    expect(r.body.pendingWrites).toEqual(expect.arrayContaining([{ name: 'display-id', value: e164 }, { name: 'sip-pwd', value: '***' }, { name: 'vlan-id', value: '12' }]));
    expect(r.body.errors).toEqual([]);
    expect(r.text).not.toContain(sip);
  });

  it('returns a draft\'s errors and saves nothing', async () => {
    const pname = name('prev');
    const mac = randomMac();
    await createProfile({ name: pname, layer: 'phone', items: [{ name: 'vlan-id', value: '10' }] });
    await assign(mac, { profiles: [pname] });
    const draft = { name: pname, layer: 'phone', items: [{ name: 'vlan-id', value: 'abc' }, { name: 'no-such-item', value: '1' }] };
    const r = await call<Preview>('POST', '/api/v1/profiles/preview', { key: readOnly.key, json: { mac, profile: draft } });
    expect(r.status).toBe(200);
    expect(r.body.errors.map((e) => e.path).sort()).toEqual(['items[0].value', 'items[1].name']);
    expect((await get<Profile>(`/api/v1/profiles/${pname}`)).body).toMatchObject({ version: 1, items: [{ name: 'vlan-id', value: '10' }] });
  });

  it('answers 404 for a phone it does not know', async () => {
    const r = await call('POST', '/api/v1/profiles/preview', { key: readOnly.key, json: { mac: randomMac(), profile: { name: name('p'), layer: 'phone', items: [] } } });
    expect(r).toMatchObject({ status: 404, error: { code: 'phone-not-found' } });
  });
});

describe('assignments', () => {
  it('creates the phone\'s entry, keeps fields left out, and guards the version', async () => {
    const pname = name('asg');
    const mac = randomMac();
    await createProfile({ name: pname, layer: 'phone', items: [] });
    expect((await get(`/api/v1/phones/${mac}`)).status).toBe(404);

    const first = await assign(mac, { e164: '+4989700100', site: 'munich', tags: ['desk', 'floor-3'], user: 'jane', profiles: [pname] });
    expect(first).toMatchObject({ mac, e164: '+4989700100', model: null, site: 'munich', tags: ['desk', 'floor-3'], user: 'jane', profiles: [pname], overrides: [], version: 1 });
    expect((await get<Assignment>(`/api/v1/assignments/${mac}`, readOnly.key)).body).toEqual(first);
    expect((await get<Phone>(`/api/v1/phones/${mac}`, readOnly.key)).body).toMatchObject({ mac, lastContactAt: null, profiles: [pname] });

    const second = await assign(mac, { user: 'john', version: 1 });
    expect(second).toMatchObject({ user: 'john', e164: '+4989700100', tags: ['desk', 'floor-3'], profiles: [pname], version: 2 });
    const stale = await call('PUT', `/api/v1/assignments/${mac}`, { key: operator.key, json: { user: 'lost', version: 1 } });
    expect(stale).toMatchObject({ status: 409, error: { code: 'version-conflict', details: { currentVersion: 2 } } });

    const trail = await auditOf('phone', mac);
    expect(trail.map((e) => e.action)).toEqual(['assignment.update', 'assignment.update']);
    expect(trail[0]).toMatchObject({ actor: actorOf(operator), before: { user: 'jane', version: 1 }, after: { user: 'john', version: 2 } });
  });

  it('refuses an unknown profile with 422 and changes nothing', async () => {
    const mac = randomMac();
    const missing = name('nope');
    const r = await call('PUT', `/api/v1/assignments/${mac}`, { key: operator.key, json: { profiles: [missing] } });
    expect(r).toMatchObject({ status: 422, error: { code: 'unknown-profile', details: [{ path: 'body.profiles', message: `unknown profile "${missing}"` }] } });
    expect((await get(`/api/v1/assignments/${mac}`)).status).toBe(404);
  });

  it('takes a MAC in any common notation and answers in colon form; refuses what is no MAC', async () => {
    const mac = randomMac();
    const r = await call<Assignment>('PUT', `/api/v1/assignments/${bare(mac)}`, { key: operator.key, json: { user: 'dot' } });
    expect(r).toMatchObject({ status: 200, body: { mac } });
    expect((await get<Assignment>(`/api/v1/assignments/${mac.replace(/:/g, '-').toLowerCase()}`)).body).toMatchObject({ mac, user: 'dot' });
    const dotted = bare(mac).replace(/(....)(....)(....)/, '$1.$2.$3');
    expect((await get<Assignment>(`/api/v1/assignments/${dotted}`)).body).toMatchObject({ mac });

    for (const bad of ['00112233445', 'zz:11:22:33:44:55', '0011223344556']) {
      expect(await call('PUT', `/api/v1/assignments/${bad}`, { key: operator.key, json: { user: 'x' } })).toMatchObject({ status: 400, error: { code: 'invalid-request', details: [{ path: 'params.mac' }] } });
    }
  });

  it('keeps a secret override sealed and never shows it', async () => {
    const sip = secretValue();
    const mac = randomMac();
    const saved = await assign(mac, { overrides: [{ name: 'sip-pwd', value: sip }, { name: 'vlan-id', value: '7' }] });
    expect(saved.overrides).toEqual([{ name: 'sip-pwd', secret: true, policy: 'enforce' }, { name: 'vlan-id', value: '7', policy: 'enforce' }]);
    const read = await get<Phone>(`/api/v1/phones/${mac}`, readOnly.key);
    expect(read.body.effective.items).toEqual(expect.arrayContaining([{ name: 'sip-pwd', value: '***', policy: 'enforce', source: { profile: 'phone overrides', layer: 'phone' } }]));
    expect(read.text).not.toContain(sip);
    const [row] = (await h.dataSource.query('SELECT overrides::text AS o FROM configuration.managed_phone WHERE mac = $1', [mac])) as { o: string }[];
    expect(row!.o).not.toContain(sip);
    expect(row!.o).toContain('enc:v1:');
  });

  it.each([
    ['an unknown item', { name: 'no-such-item', value: '1' }, 'body.overrides[0].name'],
    ['a value of the wrong shape', { name: 'vlan-id', value: 'abc' }, 'body.overrides[0].value'],
    ['a placeholder no phone can fill', { name: 'display-id', value: '{{nope}}' }, 'body.overrides[0].value'],
    ['a new secret without a value', { name: 'sip-pwd' }, 'body.overrides[0].value'],
  ])('refuses an override with %s, as it would in a profile', async (_, override, path) => {
    const mac = randomMac();
    const r = await call('PUT', `/api/v1/assignments/${mac}`, { key: operator.key, json: { user: 'x', overrides: [override] } });
    expect(r).toMatchObject({ status: 422, error: { code: 'invalid-overrides' } });
    expect(r.error?.details).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
    expect((await get(`/api/v1/assignments/${mac}`)).status).toBe(404);
  });

  it('takes an override the catalogue does not know when allowUnknown says so, and keeps a secret sent without a value', async () => {
    const sip = secretValue();
    const mac = randomMac();
    await assign(mac, { overrides: [{ name: 'sip-pwd', value: sip }] });
    const [before] = (await h.dataSource.query('SELECT overrides FROM configuration.managed_phone WHERE mac = $1', [mac])) as { overrides: { sealed?: string }[] }[];
    const saved = await assign(mac, { overrides: [{ name: 'sip-pwd' }, { name: 'x-wp-local', value: '1', allowUnknown: true }] });
    expect(saved.overrides).toEqual([{ name: 'sip-pwd', secret: true, policy: 'enforce' }, { name: 'x-wp-local', value: '1', policy: 'enforce', allowUnknown: true }]);
    const [after] = (await h.dataSource.query('SELECT overrides FROM configuration.managed_phone WHERE mac = $1', [mac])) as { overrides: { sealed?: string }[] }[];
    expect(after!.overrides[0]!.sealed).toBe(before!.overrides[0]!.sealed);
  });

  it('never leaves a phone assigned a profile deleted at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const pname = name('gone');
      const mac = randomMac();
      await createProfile({ name: pname, layer: 'phone', items: [] });
      const [assigned, deleted] = await Promise.all([
        call('PUT', `/api/v1/assignments/${mac}`, { key: operator.key, json: { profiles: [pname] } }),
        call('DELETE', `/api/v1/profiles/${pname}`, { key: operator.key }),
      ]);
      // Either the assignment came first (the delete is refused) or the delete did (the assignment is).
      expect([assigned.status, deleted.status].sort()).toEqual(assigned.status === 200 ? [200, 409] : [200, 422]);
      const stored = (await h.dataSource.query('SELECT profiles FROM configuration.managed_phone WHERE mac = $1', [mac])) as { profiles: string[] }[];
      expect(stored).toEqual(deleted.status === 200 ? [] : [{ profiles: [pname] }]);
    }
  });

  it('assigns a profile to many phones and takes it off again, idempotently', async () => {
    const pname = name('bulk');
    const macs = [randomMac(), randomMac(), randomMac()];
    await createProfile({ name: pname, layer: 'phone', items: [] });
    await assign(macs[0]!, { user: 'existing' });

    const add = (list: string[]) => call<Bulk>('POST', `/api/v1/profiles/${pname}/phones`, { key: operator.key, json: { macs: list } });
    const remove = (list: string[]) => call<Bulk>('POST', `/api/v1/profiles/${pname}/phones/remove`, { key: operator.key, json: { macs: list } });
    expect(await add([macs[0]!, bare(macs[1]!), macs[2]!, macs[1]!])).toMatchObject({ status: 200, body: { changed: 3, unchanged: 0 } });
    expect(await add(macs)).toMatchObject({ status: 200, body: { changed: 0, unchanged: 3 } });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[0]}`)).body).toMatchObject({ user: 'existing', profiles: [pname] });
    expect((await get<Page>(`/api/v1/phones?profile=${pname}`)).body.phones.map((p) => p.mac).sort()).toEqual([...macs].sort());

    expect(await remove([macs[1]!])).toMatchObject({ status: 200, body: { changed: 1, unchanged: 0 } });
    expect(await remove([macs[1]!])).toMatchObject({ status: 200, body: { changed: 0, unchanged: 1 } });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[1]}`)).body.profiles).toEqual([]);

    expect(await call('POST', `/api/v1/profiles/${name('nope')}/phones`, { key: operator.key, json: { macs } })).toMatchObject({ status: 422, error: { code: 'unknown-profile' } });
    expect(await call('POST', `/api/v1/profiles/${pname}/phones`, { key: operator.key, json: { macs: ['not-a-mac'] } })).toMatchObject({ status: 400, error: { details: [{ path: 'body.macs[0]' }] } });
    expect(await call('POST', `/api/v1/profiles/${pname}/phones`, { key: readOnly.key, json: { macs } })).toMatchObject({ status: 403 });
    expect((await auditOf('phone', macs[1]!)).map((e) => e.action)).toEqual(['assignment.remove-profile', 'assignment.add-profile']);
  });
});

describe('phone lists', () => {
  it('filters by model, software version, site, tag, profile, drift, faults, part of MAC or number, and contact time', async () => {
    const tag = name('lst');
    const model = `OpenStage ${randomBytes(2).toString('hex')}`;
    const software = `V3 R5.${digits(6)}`;
    const site = name('site');
    const profile = name('lp');
    const e164 = `+49${digits(9)}`;
    const [drifting, failing, recent, plain] = [randomMac(), randomMac(), randomMac(), randomMac()];
    const hour = 3600_000;
    // Phones that never made contact are left alone by re-planning, so their drift count stays as set.
    await insertPhone({ mac: drifting, tags: [tag], device_type: model, software_version: software, site, profiles: [profile], e164, drift_count: 2, drift: JSON.stringify([{ name: 'vlan-id', reported: '1', desired: '2', policy: 'enforce', source: profile }, { name: 'display-id', reported: 'a', desired: 'b', policy: 'enforce', source: profile }]) });
    await insertPhone({ mac: failing, tags: [tag], model, last_contact_at: new Date(Date.now() - 10 * 24 * hour), fault_count: 1, faults: JSON.stringify({ 'vlan-id': { name: 'vlan-id', status: 'read only', fingerprint: 'x', value: '5', at: new Date().toISOString() } }) });
    await insertPhone({ mac: recent, tags: [tag], reported_e164: '+4930123', last_contact_at: new Date(Date.now() - hour) });
    await insertPhone({ mac: plain, tags: [tag, `${tag}-b`] });

    const macsOf = async (query: string) => {
      const r = await get<Page>(`/api/v1/phones?${query}`, readOnly.key);
      expect(r.status).toBe(200);
      return r.body.phones.map((p) => p.mac).sort();
    };
    const q = encodeURIComponent;
    expect(await macsOf(`tag=${tag}`)).toEqual([drifting, failing, recent, plain].sort());
    expect(await macsOf(`tag=${tag}-b`)).toEqual([plain]);
    expect(await macsOf(`model=${q(model)}`)).toEqual([drifting, failing].sort());
    expect(await macsOf(`softwareVersion=${q(software)}`)).toEqual([drifting]);
    expect(await macsOf(`site=${site}`)).toEqual([drifting]);
    expect(await macsOf(`profile=${profile}`)).toEqual([drifting]);
    expect(await macsOf(`tag=${tag}&hasDrift=true`)).toEqual([drifting]);
    expect(await macsOf(`tag=${tag}&hasDrift=false`)).toEqual([failing, recent, plain].sort());
    expect(await macsOf(`tag=${tag}&hasFaults=true`)).toEqual([failing]);
    expect(await macsOf(`q=${q(bare(recent).slice(6))}`)).toEqual([recent]);
    expect(await macsOf(`q=${q(plain.slice(9).toLowerCase())}`)).toEqual([plain]);
    expect(await macsOf(`q=${q(e164.slice(4, 10))}`)).toEqual([drifting]);
    expect(await macsOf(`tag=${tag}&q=30123`)).toEqual([recent]);
    expect(await macsOf(`tag=${tag}&contactedSince=${q(new Date(Date.now() - 2 * 24 * hour).toISOString())}`)).toEqual([recent]);
    expect(await macsOf(`tag=${tag}&contactedBefore=${q(new Date(Date.now() - 2 * 24 * hour).toISOString())}`)).toEqual([failing]);

    const one = (await get<Page>(`/api/v1/phones?softwareVersion=${q(software)}`)).body.phones[0];
    expect(one).toMatchObject({ mac: drifting, model, softwareVersion: software, site, e164, driftCount: 2, faultCount: 0, writePending: false });
  });

  it('pages through 25 phones with a cursor, 10 at a time, without gaps or duplicates', async () => {
    const tag = name('page');
    const macs = distinctMacs(25);
    for (const mac of macs) await insertPhone({ mac, tags: [tag] });
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const r: Reply<Page> = await get<Page>(`/api/v1/phones?tag=${tag}&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      sizes.push(r.body.phones.length);
      seen.push(...r.body.phones.map((p) => p.mac));
      cursor = r.body.nextCursor;
    } while (cursor !== null && sizes.length < 5);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual([...macs].sort());
  });

  it('refuses a cursor it did not hand out, an unknown parameter, and a bad value', async () => {
    expect(await get('/api/v1/phones?cursor=bm90LWEtbWFj')).toMatchObject({ status: 400, error: { code: 'invalid-request', details: [{ path: 'query.cursor' }] } });
    const unknown = await get('/api/v1/phones?colour=red');
    expect(unknown).toMatchObject({ status: 400, error: { code: 'invalid-request' } });
    expect(JSON.stringify(unknown.error?.details)).toContain('colour');
    expect(await get('/api/v1/phones?limit=0')).toMatchObject({ status: 400, error: { details: [{ path: 'query.limit' }] } });
    expect(await get('/api/v1/phones?hasDrift=maybe')).toMatchObject({ status: 400, error: { details: [{ path: 'query.hasDrift' }] } });
    expect(await get('/api/v1/phones?contactedSince=yesterday')).toMatchObject({ status: 400, error: { details: [{ path: 'query.contactedSince' }] } });
  });

  it('exports the filtered list as CSV, every field quoted', async () => {
    const tag = name('csv');
    const [a, b] = [randomMac(), randomMac()].sort() as [string, string];
    await assign(a, { e164: '+4989700200', model: 'OpenStage 40', site: 'munich', tags: [tag], user: 'Doe, Jane' });
    await assign(b, { tags: [tag, 'lobby'], user: 'say "hi"' });
    const res = await fetch(`${base}/api/v1/phones/export.csv?tag=${tag}`, { headers: { authorization: `Bearer ${readOnly.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="phones.csv"');
    expect((await res.text()).split('\r\n')).toEqual([
      '"mac","e164","model","software_version","site","tags","user","profiles","last_contact_at","drift_count","fault_count","write_pending"',
      `"${a}","'+4989700200","OpenStage 40","","munich","${tag}","Doe, Jane","","","0","0","false"`,
      `"${b}","","","","","${tag}|lobby","say ""hi""","","","0","0","false"`,
      '',
    ]);
  });

  it('guards a cell a spreadsheet would run as a formula, at its start and after a , or ; (phone numbers too)', async () => {
    const tag = name('formula');
    const mac = randomMac();
    await assign(mac, { e164: '+4989700300', site: '=HYPERLINK("http://x")', model: 'V3;=1+1', tags: [tag], user: '@SUM(A1),-2' });
    const res = await fetch(`${base}/api/v1/phones/export.csv?tag=${tag}`, { headers: { authorization: `Bearer ${readOnly.key}` } });
    const [, line] = (await res.text()).split('\r\n');
    expect(line).toBe(`"${mac}","'+4989700300","V3;'=1+1","","'=HYPERLINK(""http://x"")","${tag}","'@SUM(A1),'-2","","","0","0","false"`);
  });

  it('refuses a history or audit cursor it did not hand out', async () => {
    const mac = randomMac();
    await assign(mac, { tags: [name('cursor')] });
    expect(await get(`/api/v1/phones/${mac}/history?cursor=abc`)).toMatchObject({ status: 400, error: { details: [{ path: 'query.cursor' }] } });
    expect(await get('/api/v1/audit?cursor=1e9')).toMatchObject({ status: 400, error: { details: [{ path: 'query.cursor' }] } });
  });

  it('answers 404 for a phone it does not know, and for its history', async () => {
    const mac = randomMac();
    expect(await get(`/api/v1/phones/${mac}`)).toMatchObject({ status: 404, error: { code: 'phone-not-found' } });
    expect(await get(`/api/v1/phones/${mac}/history`)).toMatchObject({ status: 404 });
    expect(await get(`/api/v1/assignments/${mac}`)).toMatchObject({ status: 404 });
    expect(await call('DELETE', `/api/v1/phones/${mac}/faults`, { key: operator.key })).toMatchObject({ status: 404 });
  });
});

describe('a phone that reports, drifts and refuses an item (over Kafka)', () => {
  // One phone-layer profile with an item only these phones get, so fleet-wide counts of it are
  // exact. No secret in it: other suites' configuration stages share the consumer group and the
  // database but not the secret key, and may be the one that takes these phones' contacts.
  const item = `x-wp-${randomBytes(4).toString('hex')}`;
  const tag = name('fleet');
  const software = `V3 R5.${digits(6)}`;
  const pname = name('kafka');
  const drifting = randomMac();
  const refusing = randomMac();

  const fullReport = (mac: string) =>
    h.contact(mac, {
      reason: 'reply-to',
      replyTo: { action: 'ReadAllItems', status: 'accepted' },
      items: [
        { name: 'device-type', value: 'OpenStage 60' },
        { name: 'software-version', value: software },
        { name: 'e164', value: '4989700300' },
        { name: item, value: 'local' },
        { name: 'vlan-id', value: '0' },
      ],
    });

  beforeAll(async () => {
    await createProfile({ name: pname, layer: 'phone', items: [{ name: item, value: 'wanted', allowUnknown: true }, { name: 'vlan-id', value: '12' }] });
    for (const mac of [drifting, refusing]) await assign(mac, { tags: [tag], profiles: [pname] });

    // Each full report plans the difference as a sync job, which the stage answers at once.
    const report = fullReport(drifting);
    await h.send(report);
    expect(await h.responseTo(report)).toMatchObject({ action: 'WriteItems' });

    const refused = fullReport(refusing);
    await h.send(refused);
    const write = await h.responseTo(refused);
    expect(write).toMatchObject({ action: 'WriteItems' });
    expect(byName(write.items)).toEqual([{ name: 'vlan-id', value: '12' }, { name: item, value: 'wanted' }]);
    const reply = h.contact(refusing, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [{ name: item, value: null, status: 'unknown item' }] }, refused.interactionId);
    await h.send(reply);
    await eventually(async () => ((await get<Phone>(`/api/v1/phones/${refusing}`)).body.faultCount === 1 ? true : undefined));
  });

  it('shows what the phone reported, its effective configuration, the drift and the pending write', async () => {
    const r = await get<Phone>(`/api/v1/phones/${bare(drifting)}`, readOnly.key);
    expect(r.status).toBe(200);
    const source = { profile: pname, layer: 'phone' };
    expect(r.body).toMatchObject({ mac: drifting, model: 'OpenStage 60', softwareVersion: software, e164: '4989700300', reportedE164: '4989700300', driftCount: 2, faultCount: 0, writePending: true, faults: [] });
    expect(r.body.lastContactAt).not.toBeNull();
    expect(r.body.reported).toEqual(expect.arrayContaining([{ name: item, value: 'local' }, { name: 'vlan-id', value: '0' }, { name: 'device-type', value: 'OpenStage 60' }]));
    expect(byName(r.body.effective.items)).toEqual([
      { name: 'vlan-id', value: '12', policy: 'enforce', source },
      { name: item, value: 'wanted', policy: 'enforce', source },
    ]);
    expect(byName(r.body.drift)).toEqual([
      { name: 'vlan-id', reported: '0', desired: '12', policy: 'enforce', source: pname },
      { name: item, reported: 'local', desired: 'wanted', policy: 'enforce', source: pname },
    ]);
    expect(byName(r.body.pendingWrites)).toEqual([{ name: 'vlan-id', value: '12' }, { name: item, value: 'wanted' }]);
  });

  it('keeps an item the phone refused as a fault, and writes the rest', async () => {
    const r = await get<Phone>(`/api/v1/phones/${refusing}`);
    expect(r.body).toMatchObject({ driftCount: 0, faultCount: 1, writePending: false, drift: [], pendingWrites: [] });
    expect(r.body.faults).toEqual([{ name: item, status: 'unknown item', value: 'wanted', at: expect.any(String) }]);

    const history = await get<z.output<typeof HistoryPage>>(`/api/v1/phones/${refusing}/history`, readOnly.key);
    expect(history.body.entries.map((e) => e.kind)).toEqual(['write', 'report']);
    expect(history.body.entries[0]!.detail).toMatchObject({ outcome: 'partly-accepted', refused: [{ name: item, status: 'unknown item' }] });

    const jobs = await get<{ jobs: Job[] }>(`/api/v1/phones/${refusing}/jobs`, readOnly.key);
    expect(jobs.body.jobs).toMatchObject([{ action: 'WriteItems', state: 'done', outcome: 'accepted', itemResults: [{ name: item, status: 'unknown item' }] }]);
    expect(byName(jobs.body.jobs[0]!.items)).toEqual([{ name: 'vlan-id', value: '12' }, { name: item, value: 'wanted' }]);
    // What the phone took is what it has now: no drift on it.
    expect((await get<Phone>(`/api/v1/phones/${refusing}`)).body.reported).toContainEqual({ name: 'vlan-id', value: '12' });
  });

  it('filters on drift and faults, and counts them fleet-wide', async () => {
    const macsOf = async (query: string) => (await get<Page>(`/api/v1/phones?tag=${tag}&${query}`)).body.phones.map((p) => p.mac);
    expect(await macsOf('hasDrift=true')).toEqual([drifting]);
    expect(await macsOf('hasFaults=true')).toEqual([refusing]);
    expect(await macsOf('hasDrift=false&hasFaults=false')).toEqual([]);
    expect(await macsOf(`softwareVersion=${encodeURIComponent(software)}&model=${encodeURIComponent('OpenStage 60')}`)).toEqual([drifting, refusing].sort());

    const drift = await get<z.output<typeof DriftSummary>>('/api/v1/drift', readOnly.key);
    expect(drift.status).toBe(200);
    expect(drift.body.items).toContainEqual({ item, phones: 1 });
    expect(drift.body.faults).toContainEqual({ item, status: 'unknown item', phones: 1 });
    expect(drift.body.phones).toBeGreaterThanOrEqual(2);
    expect(drift.body.phonesWithDrift).toBeGreaterThanOrEqual(1);
    expect(drift.body.phonesWithFaults).toBeGreaterThanOrEqual(1);
    expect(drift.body.writesPending).toBeGreaterThanOrEqual(1);
    expect(drift.body.phonesWithDrift).toBeLessThanOrEqual(drift.body.phones);

    const tags = await get<z.output<typeof TagList>>('/api/v1/tags', readOnly.key);
    expect(tags.body.tags).toContainEqual({ tag, phones: 2 });
  });

  it('forgets the refusal when asked, so the item is offered again', async () => {
    expect(await call('DELETE', `/api/v1/phones/${refusing}/faults`, { key: readOnly.key })).toMatchObject({ status: 403 });
    const r = await call<Resynced>('DELETE', `/api/v1/phones/${refusing}/faults`, { key: operator.key });
    expect(r).toMatchObject({ status: 200, body: { mac: refusing, writes: 1, drift: 1, faults: 0, pending: true } });
    const after = await get<Phone>(`/api/v1/phones/${refusing}`);
    expect(after.body).toMatchObject({ faultCount: 0, faults: [], writePending: true, pendingWrites: [{ name: item, value: 'wanted' }] });
    expect(await auditOf('phone', refusing)).toMatchObject([{ action: 'phone.clear-faults', actor: actorOf(operator), before: { faults: [{ name: item, status: 'unknown item', value: 'wanted', at: expect.any(String) }] }, after: { faults: [] } }, {}]);
    expect(JSON.stringify((await auditOf('phone', refusing))[0]!.before)).not.toContain('fingerprint');
  });
});

describe('operator jobs', () => {
  it('queues read, write, restart and factory reset through Kafka; a written secret is stored sealed', async () => {
    const sip = secretValue();
    const mac = randomMac();
    await assign(mac, { user: 'jobs' });
    const commands: JobRequested[] = [];
    await h.bus.subscribe({ topic: ConfigurationJobRequestedTopic, groupId: name('api-jobs'), fromBeginning: true, handle: async ({ value }) => void (value.mac === mac && commands.push(value)) });
    const request = async (json: unknown) => {
      const r = await call<z.output<typeof JobAccepted>>('POST', `/api/v1/phones/${bare(mac)}/jobs`, { key: operator.key, json });
      expect(r).toMatchObject({ status: 202, body: { mac, requestId: expect.any(String) } });
      return r.body;
    };
    const read = await request({ type: 'read-items', items: [{ name: 'reg-addr' }] });
    const write = await request({ type: 'write-items', items: [{ name: 'sip-pwd', value: sip }, { name: 'vlan-id', value: '9' }] });
    const restart = await request({ type: 'restart' });
    const reset = await request({ type: 'factory-reset' });
    expect([read.action, write.action, restart.action, reset.action]).toEqual(['ReadItems', 'WriteItems', 'Restart', 'Restart']);

    const jobs = await eventually(async () => {
      const r = await get<{ jobs: Job[] }>(`/api/v1/phones/${mac}/jobs`, readOnly.key);
      return r.body.jobs.length === 4 ? r : undefined;
    });
    const byRequest = (id: string) => jobs.body.jobs.find((j) => j.requestId === id);
    expect(byRequest(read.requestId)).toMatchObject({ action: 'ReadItems', state: 'queued', items: [{ name: 'reg-addr', value: null }] });
    expect(byRequest(write.requestId)).toMatchObject({ action: 'WriteItems', state: 'queued', items: [{ name: 'sip-pwd', value: '***' }, { name: 'vlan-id', value: '9' }] });
    expect(byRequest(restart.requestId)).toMatchObject({ action: 'Restart', items: [] });
    expect(byRequest(reset.requestId)).toMatchObject({ action: 'Restart', items: [{ name: 'restart-type', value: 'FactoryReset' }, { name: 'restart-password', value: '***' }] });
    expect(jobs.text).not.toContain(sip);

    const [row] = (await h.dataSource.query('SELECT items::text AS items FROM configuration.configuration_job WHERE request_id = $1', [write.requestId])) as { items: string }[];
    expect(row!.items).not.toContain(sip);
    expect(row!.items).toContain('enc:v1:');
    // Nor does a secret travel in clear on Kafka (the topic keeps what it carries).
    await eventually(async () => (commands.length === 4 ? true : undefined));
    const secretsOnKafka = commands.flatMap((c) => c.items.filter((i) => isSecretItem(i.name)));
    expect(secretsOnKafka.map((i) => i.name).sort()).toEqual(['restart-password', 'sip-pwd']);
    for (const i of secretsOnKafka) expect(i.value).toMatch(/^enc:v1:/);

    const trail = await auditOf('phone', mac);
    expect(trail.map((e) => e.action)).toEqual(['job.factory-reset', 'job.restart', 'job.write-items', 'job.read-items', 'assignment.update']);
    expect(trail[2]).toMatchObject({ actor: actorOf(operator), requestId: write.requestId, after: { action: 'WriteItems', items: [{ name: 'sip-pwd', value: '***' }, { name: 'vlan-id', value: '9' }] } });
  });

  it('refuses a read or write without items, an unknown phone, an unknown type, and a read-only key', async () => {
    const mac = randomMac();
    await assign(mac, { user: 'nojobs' });
    expect(await call('POST', `/api/v1/phones/${mac}/jobs`, { key: operator.key, json: { type: 'read-items' } })).toMatchObject({ status: 400, error: { details: [{ path: 'body.items' }] } });
    expect(await call('POST', `/api/v1/phones/${mac}/jobs`, { key: operator.key, json: { type: 'write-items', items: [] } })).toMatchObject({ status: 400 });
    expect(await call('POST', `/api/v1/phones/${mac}/jobs`, { key: operator.key, json: { type: 'reboot' } })).toMatchObject({ status: 400, error: { details: [{ path: 'body.type' }] } });
    expect(await call('POST', `/api/v1/phones/${randomMac()}/jobs`, { key: operator.key, json: { type: 'restart' } })).toMatchObject({ status: 404, error: { code: 'phone-not-found' } });
    expect(await call('POST', `/api/v1/phones/${mac}/jobs`, { key: readOnly.key, json: { type: 'restart' } })).toMatchObject({ status: 403 });
    expect((await get<{ jobs: Job[] }>(`/api/v1/phones/${mac}/jobs`)).body.jobs).toEqual([]);
  });
});

describe('commands', () => {
  const commandPath = (topic: { name: string }) => `/api/v1/commands/${topic.name}`;
  const jobCommand = (mac: string, extra: Partial<JobRequested> = {}) => ({ requestId: randomUUID(), mac, action: 'WriteItems', items: [{ name: 'vlan-id', value: '7' }], contactMe: false, ...extra });
  /** What one subscriber sees of a topic for one MAC. */
  async function watch<T extends { mac: string }>(topic: TopicContract<T>, mac: string): Promise<T[]> {
    const seen: T[] = [];
    await h.bus.subscribe({ topic, groupId: name('api-commands'), fromBeginning: true, handle: async ({ value }) => void (value.mac === mac && seen.push(value)) });
    return seen;
  }

  it('publishes a configuration job with an operator key: 202, queued, sealed on Kafka, audited with the secret masked', async () => {
    const sip = secretValue();
    const mac = randomMac();
    const onKafka = await watch(ConfigurationJobRequestedTopic, mac);
    const command = jobCommand(mac, { items: [{ name: 'sip-pwd', value: sip }, { name: 'vlan-id', value: '7' }] });
    const r = await call('POST', commandPath(ConfigurationJobRequestedTopic), { key: operator.key, json: command });
    expect(r).toMatchObject({ status: 202, body: { accepted: true, topic: ConfigurationJobRequestedTopic.name } });

    const [row] = await eventually(async () => {
      const rows = (await h.dataSource.query('SELECT mac, action, state, items::text AS items FROM configuration.configuration_job WHERE request_id = $1', [command.requestId])) as Record<string, string>[];
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({ mac, action: 'WriteItems', state: 'queued' });
    expect(row!['items']).not.toContain(sip);
    await eventually(async () => (onKafka.length === 1 ? true : undefined));
    expect(onKafka[0]).toMatchObject({ requestId: command.requestId, mac, requestedBy: `api:${actorOf(operator)}` });
    expect(onKafka[0]!.items.find((i) => i.name === 'sip-pwd')!.value).toMatch(/^enc:v1:/);

    const trail = await auditOf('phone', mac);
    expect(trail).toEqual([
      expect.objectContaining({
        action: `command.${ConfigurationJobRequestedTopic.name}`,
        actor: actorOf(operator),
        after: expect.objectContaining({ requestId: command.requestId, mac, action: 'WriteItems', items: [{ name: 'sip-pwd', value: '***' }, { name: 'vlan-id', value: '7' }], requestedBy: `api:${actorOf(operator)}` }),
      }),
    ]);
    expect(JSON.stringify(trail)).not.toContain(sip);
  });

  it('publishes deployment and contact-me commands as sent (requestedBy kept) with an admin key', async () => {
    const mac = randomMac();
    const deployments = await watch(DeploymentJobRequestedTopic, mac);
    const contactMes = await watch(ContactMeRequestedTopic, mac);
    const firmware = [
      { name: 'file-https-base-url', value: 'https://files.example/OS_60_SIP.img' },
      { name: 'file-type', value: 'APP' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: 'V3 R5.15.0' },
      { name: 'file-priority', value: 'immediate' },
    ];
    const deployment = jobCommand(mac, { action: 'SoftwareDeployment', items: firmware, requestedBy: 'billing-system' });
    expect(await call('POST', commandPath(DeploymentJobRequestedTopic), { json: deployment })).toMatchObject({ status: 202, body: { accepted: true, topic: DeploymentJobRequestedTopic.name } });
    const contactMe = { mac, requestedBy: 'noc', at: new Date().toISOString() };
    expect(await call('POST', commandPath(ContactMeRequestedTopic), { json: contactMe })).toMatchObject({ status: 202, body: { accepted: true, topic: ContactMeRequestedTopic.name } });

    await eventually(async () => (deployments.length === 1 && contactMes.length === 1 ? true : undefined));
    expect(deployments[0]).toEqual(deployment);
    expect(contactMes[0]).toEqual(contactMe);
    expect((await auditOf('phone', mac)).map((e) => [e.action, e.actor])).toEqual([
      [`command.${ContactMeRequestedTopic.name}`, actorOf({ id: admin.id, name: 'bootstrap admin', role: 'admin' })],
      [`command.${DeploymentJobRequestedTopic.name}`, actorOf({ id: admin.id, name: 'bootstrap admin', role: 'admin' })],
    ]);
  });

  it('refuses no key (401), a read-only key (403), text/plain (415), a broken contract (400), an unknown topic (404): nothing published or audited', async () => {
    const mac = randomMac();
    const command = jobCommand(mac);
    const path = commandPath(ConfigurationJobRequestedTopic);
    expect(await call('POST', path, { key: null, json: command })).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });
    expect(await call('POST', path, { key: readOnly.key, json: command })).toMatchObject({ status: 403, error: { code: 'forbidden' } });
    // What a foreign web page can send without a CORS preflight: never parsed.
    expect(await call('POST', path, { key: operator.key, body: JSON.stringify(command), contentType: 'text/plain' })).toMatchObject({ status: 415, error: { code: 'unsupported-media-type' } });
    const broken = await call('POST', path, { key: operator.key, json: { ...command, action: 'Dance', mac: 'nope' } });
    expect(broken).toMatchObject({ status: 400, error: { code: 'invalid-request' } });
    expect((broken.error!.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['body.action', 'body.mac']);
    expect(await call('POST', '/api/v1/commands/nope.v1', { key: operator.key, json: command })).toMatchObject({ status: 404 });
    expect(await call('GET', path, { key: operator.key })).toMatchObject({ status: 405 });

    // A valid command after them, on the same key (partition): once it is queued, any command published before it would be too.
    const fence = jobCommand(mac);
    expect((await call('POST', path, { key: operator.key, json: fence })).status).toBe(202);
    const queued = await eventually(async () => {
      const rows = (await h.dataSource.query('SELECT request_id FROM configuration.configuration_job WHERE mac = $1', [mac])) as { request_id: string }[];
      return rows.length > 0 ? rows : undefined;
    });
    expect(queued.map((r) => r.request_id)).toEqual([fence.requestId]);
    expect((await auditOf('phone', mac)).map((e) => (e.after as { requestId: string }).requestId)).toEqual([fence.requestId]);
  });
});

describe('failed authentications per source address', () => {
  it('answers 429 with Retry-After to every request from the source after API_AUTH_FAILURES_PER_MINUTE failures, logging each failure without the key', async () => {
    const { logger, lines } = capturingLogger('operator-api-limit');
    const fanout = { settled: async () => undefined } as unknown as ChangeFanout;
    // The same API (routes, key store, database) with a limit of 3.
    const api = new OperatorApi(new ApiKeys(h.dataSource, new ApiKeyRepository(h.dataSource.getRepository(ApiKeyEntity)), logger), fanout, { host: '127.0.0.1', port: 0, authFailuresPerMinute: 3 }, logger, h.app.get(ModuleRef));
    await api.onApplicationBootstrap();
    try {
      const at = `http://127.0.0.1:${api.port}`;
      const wrong = generateApiKey().key;
      keysUsed.push(wrong);
      const attempt = (key: string | undefined, path = '/api/v1/tags') => fetch(`${at}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      expect((await attempt(wrong)).status).toBe(401);
      expect((await attempt(undefined)).status).toBe(401);
      expect((await attempt(wrong)).status).toBe(401);

      for (const res of [await attempt(admin.key), await attempt(undefined, '/api/v1/openapi.json')]) {
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(((await res.json()) as ApiErrorBody).error.code).toBe('too-many-requests');
      }
      // The limit is per server instance and per source: the main API still serves this address.
      expect((await get('/api/v1/tags')).status).toBe(200);

      const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'API authentication failed');
      expect(warnings.map((w) => [w['level'], w['source'], w['reason']])).toEqual([
        ['warn', '127.0.0.1', 'unknown-or-revoked-key'],
        ['warn', '127.0.0.1', 'missing-key'],
        ['warn', '127.0.0.1', 'unknown-or-revoked-key'],
      ]);
      expect(lines.join('\n')).not.toContain(parseApiKey(wrong)!.secret);
    } finally {
      await api.onApplicationShutdown();
    }
  });
});

describe('imports', () => {
  const csv = (lines: string[]) => Buffer.from(`mac,e164,model,site,tags,user,profile\n${lines.join('\n')}\n`, 'utf8');
  const importCsv = (body: Uint8Array, o: { dryRun?: boolean; key?: string; accept?: string } = {}) =>
    call<Imported>('POST', `/api/v1/imports${o.dryRun ? '?dryRun=true' : ''}`, { key: o.key ?? operator.key, body, contentType: 'text/csv', headers: o.accept ? { accept: o.accept } : {} });

  it('checks a file in a dry run without storing anything, applies it, and changes nothing on a re-import', async () => {
    const pname = name('imp');
    await createProfile({ name: pname, layer: 'phone', items: [] });
    const macs = [randomMac(), randomMac(), randomMac()];
    const file = csv([`${bare(macs[0]!)},+49 89 700 400,OpenStage 60,munich,desk|sales,"Doe, Jane",${pname}`, `${macs[1]},,,berlin,,,`, `${macs[2]!.replace(/:/g, '-')},4930123,,,,,${pname}`]);

    const dry = await importCsv(file, { dryRun: true });
    expect(dry).toMatchObject({ status: 200, body: { type: 'result', dryRun: true, lines: 3, valid: 3, created: 3, updated: 0, unchanged: 0, errors: [] } });
    for (const mac of macs) expect((await get(`/api/v1/assignments/${mac}`)).status).toBe(404);

    const applied = await importCsv(file);
    expect(applied).toMatchObject({ status: 200, body: { dryRun: false, lines: 3, created: 3, updated: 0, unchanged: 0 } });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[0]}`)).body).toMatchObject({ e164: '+4989700400', model: 'OpenStage 60', site: 'munich', tags: ['desk', 'sales'], user: 'Doe, Jane', profiles: [pname], version: 1 });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[1]}`)).body).toMatchObject({ site: 'berlin', tags: [], profiles: [] });

    const again = await importCsv(file);
    expect(again).toMatchObject({ status: 200, body: { created: 0, updated: 0, unchanged: 3 } });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[0]}`)).body.version).toBe(1);
    expect(await auditOf('phone', macs[0]!)).toMatchObject([{ action: 'assignment.import', actor: actorOf(operator), before: null, after: { site: 'munich' } }]);
  });

  it('refuses a file with errors as a whole, naming each line, and applies nothing', async () => {
    const good = randomMac();
    const missing = name('nope');
    const file = csv([`${good},,,munich,,,`, `${bare(good)},,,berlin,,,`, '00:11:22:zz,,,,,,', `${randomMac()},,,,,,${missing}`]);
    const r = await importCsv(file);
    expect(r).toMatchObject({ status: 422, body: { type: 'result', lines: 4, created: 0 } });
    expect(r.body.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'mac'],
      [4, 'mac'],
      [5, 'profile'],
    ]);
    expect(r.body.errors[0]!.message).toContain('duplicate of line 2');
    expect(r.body.errors[2]!.message).toContain(missing);
    expect((await get(`/api/v1/assignments/${good}`)).status).toBe(404);
  });

  it('refuses a UTF-16 file and one of 100,000 lines as a whole', async () => {
    const mac = randomMac();
    const utf16 = await importCsv(Buffer.from(`\ufeffmac,site\n${mac},munich\n`, 'utf16le'));
    expect(utf16).toMatchObject({ status: 422, body: { fatal: { code: 'encoding' }, created: 0 } });
    expect((await get(`/api/v1/assignments/${mac}`)).status).toBe(404);

    const huge = Buffer.from(`mac\n${Array.from({ length: 100_000 }, (_, i) => (0x0257_5000_0000 + i).toString(16).padStart(12, '0')).join('\n')}\n`);
    const r = await importCsv(huge);
    expect(r).toMatchObject({ status: 422, body: { lines: 100_000, created: 0, fatal: { code: 'too-many-lines' } } });
  });

  it('never assigns a profile deleted while the file is imported', async () => {
    for (let round = 0; round < 10; round++) {
      const pname = name('gone');
      const mac = randomMac();
      await createProfile({ name: pname, layer: 'phone', items: [] });
      const [imported, deleted] = await Promise.all([importCsv(csv([`${mac},,,,,,${pname}`])), call('DELETE', `/api/v1/profiles/${pname}`, { key: operator.key })]);
      // Either the import came first (the delete is refused) or the delete did (the import is).
      expect([imported.status, deleted.status].sort()).toEqual(imported.status === 200 ? [200, 409] : [200, 422]);
      const stored = (await h.dataSource.query('SELECT profiles FROM configuration.managed_phone WHERE mac = $1', [mac])) as { profiles: string[] }[];
      expect(stored).toEqual(deleted.status === 200 ? [] : [{ profiles: [pname] }]);
    }
  });

  it('streams progress lines, then the result, when asked for NDJSON', async () => {
    const macs = [randomMac(), randomMac()];
    const r = await importCsv(csv(macs.map((m) => `${m},,,hamburg,,,`)), { accept: 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    const events = r.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.slice(0, -1)).toEqual([
      { type: 'progress', phase: 'validate', done: 2, total: 2 },
      { type: 'progress', phase: 'apply', done: 2, total: 2 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'result', created: 2, errors: [] });
    expect((await get<Assignment>(`/api/v1/assignments/${macs[1]}`)).body.site).toBe('hamburg');
  });

  it('is refused to a read-only key and to a body that is not CSV', async () => {
    const mac = randomMac();
    expect(await importCsv(csv([`${mac},,,,,,`]), { key: readOnly.key })).toMatchObject({ status: 403 });
    expect(await call('POST', '/api/v1/imports', { key: operator.key, json: { mac } })).toMatchObject({ status: 415 });
    expect((await get(`/api/v1/assignments/${mac}`)).status).toBe(404);
  });
});

describe('sites', () => {
  it('creates, versions, lists and deletes a site', async () => {
    const site = name('site');
    const created = await call<{ site: Site; affectedPhones: number }>('PUT', `/api/v1/sites/${site}`, { key: operator.key, json: { fields: { 'ldap-host': 'ldap1.example' } } });
    expect(created).toMatchObject({ status: 200, body: { site: { name: site, fields: { 'ldap-host': 'ldap1.example' }, version: 1 }, affectedPhones: 0 } });
    const updated = await call<{ site: Site }>('PUT', `/api/v1/sites/${site}`, { key: operator.key, json: { fields: { 'ldap-host': 'ldap2.example' }, version: 1 } });
    expect(updated).toMatchObject({ status: 200, body: { site: { version: 2 } } });
    expect(await call('PUT', `/api/v1/sites/${site}`, { key: operator.key, json: { fields: {}, version: 1 } })).toMatchObject({ status: 409, error: { code: 'version-conflict' } });
    expect(await call('PUT', `/api/v1/sites/${site}`, { key: operator.key, json: { fields: { 'bad field': 'x' } } })).toMatchObject({ status: 400 });
    expect((await get<{ sites: Site[] }>('/api/v1/sites', readOnly.key)).body.sites.find((s) => s.name === site)).toMatchObject({ fields: { 'ldap-host': 'ldap2.example' }, version: 2 });

    expect(await call('DELETE', `/api/v1/sites/${site}`, { key: readOnly.key })).toMatchObject({ status: 403 });
    expect(await call('DELETE', `/api/v1/sites/${site}`, { key: operator.key })).toMatchObject({ status: 200 });
    expect((await get<{ sites: Site[] }>('/api/v1/sites')).body.sites.map((s) => s.name)).not.toContain(site);
    expect(await call('DELETE', `/api/v1/sites/${site}`, { key: operator.key })).toMatchObject({ status: 404, error: { code: 'site-not-found' } });
    expect((await auditOf('site', site)).map((e) => e.action)).toEqual(['site.delete', 'site.update', 'site.create']);
  });

  it('fills {{site.<field>}} for a phone at that site', async () => {
    const site = name('site');
    const pname = name('sitep');
    const mac = randomMac();
    await call('PUT', `/api/v1/sites/${site}`, { key: operator.key, json: { fields: { 'ldap-host': 'ldap.munich.example' } } });
    const profile = { name: pname, layer: 'site', selector: site, items: [{ name: 'ldap-server-address', value: '{{site.ldap-host}}' }] };
    const saved = await createProfile(profile);
    expect(saved.warnings).toContainEqual({ path: 'items[0].value', message: expect.stringContaining('templated') });
    await assign(mac, { site });

    const preview = await call<Preview>('POST', '/api/v1/profiles/preview', { key: readOnly.key, json: { mac, profile } });
    expect(preview.body.effective.items).toEqual([{ name: 'ldap-server-address', value: 'ldap.munich.example', policy: 'enforce', source: { profile: pname, layer: 'site' } }]);
    expect((await get<Phone>(`/api/v1/phones/${mac}`)).body.effective.items).toEqual(preview.body.effective.items);

    // A phone at a site without the field cannot be configured: the preview says why.
    const elsewhere = randomMac();
    await call('PUT', `/api/v1/sites/${site}-b`, { key: operator.key, json: { fields: {} } });
    await assign(elsewhere, { site: `${site}-b` });
    const other = await call<Preview>('POST', '/api/v1/profiles/preview', { key: readOnly.key, json: { mac: elsewhere, profile: { ...profile, selector: `${site}-b` } } });
    expect(other.body.effective).toMatchObject({ ok: false, items: [], problems: [{ item: 'ldap-server-address' }] });
  });
});

describe('audit log', () => {
  it('is for admins only, pages newest first, and names the key that made each change', async () => {
    expect(await get('/api/v1/audit', readOnly.key)).toMatchObject({ status: 403 });
    expect(await get('/api/v1/audit', operator.key)).toMatchObject({ status: 403 });

    const pname = name('aud');
    const created = await call<Saved>('POST', '/api/v1/profiles', { json: { name: pname, layer: 'phone', items: [{ name: 'vlan-id', value: '3' }] } });
    await call('PUT', `/api/v1/profiles/${pname}`, { key: operator.key, json: { name: pname, layer: 'phone', items: [{ name: 'vlan-id', value: '4' }], version: 1 } });
    const first = await get<Audit>(`/api/v1/audit?entityType=profile&entityId=${pname}&limit=1`);
    expect(first.body.entries).toMatchObject([{ action: 'profile.update', actor: actorOf(operator), before: { version: 1, items: [{ value: '3' }] }, after: { version: 2, items: [{ value: '4' }] } }]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await get<Audit>(`/api/v1/audit?entityType=profile&entityId=${pname}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ entries: [{ action: 'profile.create', actor: `bootstrap admin (key ${admin.id}, admin)`, before: null, after: { id: created.body.profile.id } }], nextCursor: null });
    expect(second.body.entries[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// Runs last, so it also checks what every test above left behind.
describe('secrets and keys', () => {
  it('appear in no log line, no audit row and no stored table in clear', async () => {
    const mac = randomMac();
    const pname = name('leak');
    await createProfile({ name: pname, layer: 'phone', items: [{ name: 'sip-pwd', value: secretValue() }, { name: 'admin-pwd', value: secretValue() }] });
    await assign(mac, { profiles: [pname], overrides: [{ name: 'sip-pwd', value: secretValue() }] });
    const job = await call('POST', `/api/v1/phones/${mac}/jobs`, { key: operator.key, json: { type: 'write-items', items: [{ name: 'user-pwd', value: secretValue() }] } });
    expect(job.status).toBe(202);
    await eventually(async () => ((await get<{ jobs: Job[] }>(`/api/v1/phones/${mac}/jobs`)).body.jobs.length > 0 ? true : undefined));

    const logs = h.logLines.join('\n');
    expect(logs).toContain('http request');
    const tables = (await h.dataSource.query(
      `SELECT (SELECT coalesce(string_agg(concat_ws(' ', actor, before::text, after::text), E'\\n'), '') FROM configuration.audit_log) AS audit,
              (SELECT coalesce(string_agg(items::text, E'\\n'), '') FROM configuration.profile) AS profiles,
              (SELECT coalesce(string_agg(overrides::text, E'\\n'), '') FROM configuration.managed_phone) AS phones,
              (SELECT coalesce(string_agg(concat_ws(' ', items::text, item_results::text), E'\\n'), '') FROM configuration.configuration_job) AS jobs,
              (SELECT coalesce(string_agg(detail::text, E'\\n'), '') FROM configuration.phone_history) AS history`,
    )) as Record<string, string>[];
    const stored = Object.values(tables[0]!).join('\n');
    expect(stored).toContain('enc:v1:');
    for (const secret of secretsUsed) {
      expect({ secret, inLogs: logs.includes(secret), stored: stored.includes(secret) }).toEqual({ secret, inLogs: false, stored: false });
    }
    for (const key of keysUsed) {
      const parsed = parseApiKey(key);
      expect({ key: parsed?.id, inLogs: logs.includes(parsed!.secret), stored: stored.includes(parsed!.secret) }).toEqual({ key: parsed?.id, inLogs: false, stored: false });
    }
  });
});
