import { Controller, type Type } from '@nestjs/common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createLogger } from '@workpoint/logging';
import { z } from 'zod';
import { generateApiKey, parseApiKey, verifyApiKeySecret } from './api-key';
import type { ApiRole, Principal } from './api-role';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { HttpError, apiErrorBodySchema } from './http-error';
import { buildOpenApiDocument } from './openapi-document.builder';
import { defineRoute, type ContextOf } from './route.definition';
import { streamOf } from './api-http.module';
import { ApiRoute, RouteCtx } from './api-route.decorator';
import { KNOWN_MAC, SamplePhonesController, sampleRoutes } from './testing/sample.routes';
import { startTestApi, type TestApi } from './testing/test-api';

const JSON_LIMIT = 64 * 1024; // small, so the 413 cases stay cheap; the CSV route allows 256 KiB

/** Keys checked the way the real key store will: parse, look up by id, compare hashes. */
function keyStore() {
  const entries = new Map<string, { hash: string; principal: Principal; revoked: boolean }>();
  const issue = (role: ApiRole, revoked = false): string => {
    const key = generateApiKey();
    entries.set(key.id, { hash: key.hash, principal: { keyId: key.id, name: `${role} key`, role }, revoked });
    return key.key;
  };
  const authenticate = async (presented: string): Promise<Principal | undefined> => {
    const parsed = parseApiKey(presented);
    const entry = parsed && entries.get(parsed.id);
    if (!parsed || !entry || entry.revoked || !verifyApiKeySecret(parsed.secret, entry.hash)) return undefined;
    return entry.principal;
  };
  return { issue, authenticate };
}

interface StreamProbe {
  produced: number;
  closed: Promise<void>;
}

const strictQuery = defineRoute({
  method: 'GET',
  path: '/api/v1/strict-query',
  operationId: 'strictQuery',
  summary: 'A strict query schema',
  tag: 'test',
  role: 'read-only',
  query: z.object({ size: z.coerce.number().optional() }).strict(),
  responses: {},
});
const boom = defineRoute({ method: 'GET', path: '/api/v1/boom', operationId: 'boom', summary: 'Throws', tag: 'test', role: 'read-only', responses: {} });
const boomWithBody = defineRoute({
  method: 'POST',
  path: '/api/v1/boom',
  operationId: 'boomWithBody',
  summary: 'Throws after reading a body',
  tag: 'test',
  role: 'operator',
  body: z.object({ password: z.string() }),
  responses: {},
});
const conflict = defineRoute({ method: 'POST', path: '/api/v1/conflict', operationId: 'conflict', summary: 'Conflicts', tag: 'test', role: 'operator', responses: {} });
const infiniteStream = defineRoute({ method: 'GET', path: '/api/v1/stream/infinite', operationId: 'infinite', summary: 'Never ends on its own', tag: 'test', role: 'public', responses: {} });
const bigStream = defineRoute({ method: 'GET', path: '/api/v1/stream/big', operationId: 'big', summary: '64 MiB, produced as fast as the loop pulls', tag: 'test', role: 'public', responses: {} });
const brokenStream = defineRoute({ method: 'GET', path: '/api/v1/stream/broken', operationId: 'broken', summary: 'Fails half-way', tag: 'test', role: 'public', responses: {} });
const waitForAbort = defineRoute({ method: 'GET', path: '/api/v1/slow', operationId: 'slow', summary: 'Answers only when aborted', tag: 'test', role: 'public', responses: {} });
const probeRoutes = [strictQuery, boom, boomWithBody, conflict, infiniteStream, bigStream, brokenStream, waitForAbort];

/** Routes that exist only to drive the server into its edge cases. */
function probeController(infinite: StreamProbe & { markClosed(): void }, big: { produced: number }, slow: { started(): void; aborted(): void }): Type<unknown> {
  @Controller()
  class ProbeController {
    @ApiRoute(waitForAbort)
    async slow(@RouteCtx() { signal }: ContextOf<typeof waitForAbort>) {
      slow.started();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      slow.aborted();
      return { aborted: signal.aborted };
    }

    @ApiRoute(strictQuery)
    strictQuery(@RouteCtx() { query }: ContextOf<typeof strictQuery>) {
      return query;
    }

    @ApiRoute(boom)
    boom(): never {
      throw new Error('kaboom: database exploded');
    }

    @ApiRoute(boomWithBody)
    boomWithBody(): Promise<never> {
      return Promise.reject(new Error('kaboom again'));
    }

    @ApiRoute(conflict)
    conflict(): never {
      throw new HttpError(409, 'job-already-queued', 'A job is already queued', { jobId: 'j-1' });
    }

    @ApiRoute(infiniteStream)
    infinite() {
      return streamOf(
        (async function* () {
          try {
            for (;;) {
              infinite.produced += 1;
              yield JSON.stringify({ progress: infinite.produced }) + '\n';
              await new Promise((r) => setImmediate(r));
            }
          } finally {
            infinite.markClosed();
          }
        })(),
        'application/x-ndjson',
      );
    }

    @ApiRoute(bigStream)
    big() {
      return streamOf(
        (async function* () {
          const chunk = 'x'.repeat(64 * 1024);
          for (let i = 0; i < 1024; i += 1) {
            big.produced += chunk.length;
            yield chunk;
          }
        })(),
        'application/octet-stream',
      );
    }

    @ApiRoute(brokenStream)
    broken() {
      return streamOf(
        (async function* () {
          yield 'mac,site\n';
          await new Promise((r) => setImmediate(r));
          throw new Error('cursor lost');
        })(),
        'text/csv',
      );
    }
  }
  return ProbeController;
}

describe('an API app (ApiHttpModule on Nest + Fastify)', () => {
  const keys = keyStore();
  const readKey = keys.issue('read-only');
  const operatorKey = keys.issue('operator');
  const adminKey = keys.issue('admin');
  const revokedKey = keys.issue('admin', true);
  const lines: string[] = [];
  const infinite = { produced: 0, markClosed: () => undefined as void, closed: Promise.resolve() };
  infinite.closed = new Promise<void>((resolve) => (infinite.markClosed = resolve));
  const big = { produced: 0 };
  let markStarted = (): void => undefined;
  const handlerStarted = new Promise<void>((resolve) => (markStarted = resolve));
  let markAborted = (): void => undefined;
  const handlerAborted = new Promise<void>((resolve) => (markAborted = resolve));
  let api: TestApi;
  let base: string;

  beforeAll(async () => {
    const routes = [...sampleRoutes, ...probeRoutes];
    api = await startTestApi([SamplePhonesController, probeController(infinite, big, { started: () => markStarted(), aborted: () => markAborted() })], {
      routes,
      authenticate: keys.authenticate,
      logger: createLogger('http-api-test', 'debug', (line) => lines.push(line)),
      maxBodyBytes: JSON_LIMIT,
      document: () => buildOpenApiDocument(routes, { title: 'test', version: '1' }),
      // Many cases here fail authentication on purpose; the limit has its own block below.
      authFailures: new AuthFailureLimiter({ failuresPerWindow: 1000, maxSources: 10 }),
    });
    base = api.base;
  });
  afterAll(() => api.close());
  beforeEach(() => {
    lines.length = 0;
  });

  const call = (path: string, init: RequestInit & { key?: string } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (init.key) headers.set('Authorization', `Bearer ${init.key}`);
    return fetch(base + path, { ...init, headers });
  };
  const postJson = (path: string, body: unknown, key = operatorKey): Promise<Response> =>
    call(path, { method: 'POST', key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  /** Asserts the common error shape and returns the error part. */
  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = apiErrorBodySchema.parse(await res.json());
    expect(body.error.code).toBe(code);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    return body.error;
  }

  const requestLogs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'http request');

  describe('routing', () => {
    it('prefers a literal segment over a parameter', async () => {
      const res = await call('/api/v1/phones/export.csv', { key: readKey });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(await res.text()).toMatch(/^mac,site\n/);
    });

    it('passes decoded, validated path parameters to the handler', async () => {
      const res = await call(`/api/v1/phones/${encodeURIComponent(KNOWN_MAC)}`, { key: readKey });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ mac: KNOWN_MAC });
    });

    it('answers an unknown path with 404 not-found', async () => {
      const error = await expectError(await call('/api/v1/nothing-here', { key: readKey }), 404, 'not-found');
      expect(error.message).toBeTruthy();
    });

    it('answers a known path with the wrong method with 405 and Allow', async () => {
      const res = await call('/api/v1/phones', { method: 'PUT', key: adminKey });
      await expectError(res, 405, 'method-not-allowed');
      expect(res.headers.get('allow')).toBe('GET, POST');
    });

    it('serves its OpenAPI document without a key', async () => {
      const res = await call('/api/v1/openapi.json');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ openapi: '3.1.0', paths: { '/api/v1/phones': expect.any(Object) } });
    });
  });

  describe('authentication and roles', () => {
    it('answers a request without a key with 401 and a Bearer challenge', async () => {
      const res = await call('/api/v1/phones');
      const error = await expectError(res, 401, 'unauthenticated');
      expect(error.message).toMatch(/API key is required/);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it.each([
      ['a non-Bearer Authorization header', { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /Malformed/],
      ['a Bearer header without a key', { Authorization: 'Bearer ' }, /Malformed/],
      ['a key that is not a Workpoint key', { Authorization: 'Bearer not-a-key' }, /Unknown or revoked/],
      ['a well-formed but unknown key', { Authorization: `Bearer ${generateApiKey().key}` }, /Unknown or revoked/],
      ['a revoked key', { 'X-API-Key': revokedKey }, /Unknown or revoked/],
      ['a known id with a wrong secret', { 'X-API-Key': readKey.slice(0, -2) + (readKey.endsWith('AA') ? 'BB' : 'AA') }, /Unknown or revoked/],
    ])('answers %s with 401', async (_case, headers, message) => {
      const error = await expectError(await call('/api/v1/phones', { headers }), 401, 'unauthenticated');
      expect(error.message).toMatch(message);
    });

    it('accepts the key as X-API-Key as well as Bearer', async () => {
      expect((await call('/api/v1/phones', { headers: { 'X-API-Key': readKey } })).status).toBe(200);
      expect((await call('/api/v1/phones', { headers: { Authorization: `bearer ${readKey}` } })).status).toBe(200);
    });

    it('answers a read-only key on an operator route with 403 naming the required role', async () => {
      const res = await postJson('/api/v1/phones', { mac: KNOWN_MAC, site: 'munich', items: [{ name: 'e164' }] }, readKey);
      const error = await expectError(res, 403, 'forbidden');
      expect(error.message).toContain("'operator'");
    });

    it('lets a higher role use a lower route and passes the principal to the handler', async () => {
      const res = await postJson('/api/v1/phones', { mac: KNOWN_MAC, site: 'munich', items: [{ name: 'e164' }] }, adminKey);
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ createdBy: 'admin key', items: [{ name: 'e164', value: null }] });
    });

    it('serves a public route without a key', async () => {
      const res = await call('/api/v1/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });
  });

  describe('request validation', () => {
    it('reports every body problem with its path', async () => {
      const res = await postJson('/api/v1/phones', {
        mac: 'not-a-mac',
        site: 'munich',
        items: [{ name: 'a' }, { name: 'b' }, { name: 3 }],
      });
      const error = await expectError(res, 400, 'invalid-request');
      expect(error.details).toEqual([
        { path: 'body.mac', message: expect.stringContaining('upper-case MAC') },
        { path: 'body.items[2].name', message: expect.stringContaining('expected string') },
      ]);
    });

    it('refuses an unknown query parameter by name under a strict query schema too', async () => {
      const res = await call('/api/v1/strict-query?size=2&colour=red', { key: adminKey });
      const error = await expectError(res, 400, 'invalid-request');
      expect(error.details).toEqual([{ path: 'query.colour', message: 'Unknown query parameter' }]);
    });

    it('reports params, query and body problems together', async () => {
      const res = await call('/api/v1/phones/xyz?verbose=1', { method: 'DELETE', key: adminKey });
      const error = await expectError(res, 400, 'invalid-request');
      expect(error.details).toEqual([
        { path: 'params.mac', message: expect.any(String) },
        { path: 'query.verbose', message: 'Unknown query parameter' },
      ]);
    });

    it('coerces query strings with the route schema and applies defaults', async () => {
      const parsed = await (await call('/api/v1/phones?active=true', { key: readKey })).json();
      expect(parsed).toEqual({ items: [], limit: 50, active: true });
      const paged = await (await call('/api/v1/phones?limit=5&active=no', { key: readKey })).json();
      expect(paged).toEqual({ items: [], limit: 5, active: false });
    });

    it.each([
      ['/api/v1/phones?limit=abc', 'query.limit'],
      ['/api/v1/phones?limit=0', 'query.limit'],
      ['/api/v1/phones?limit=1&limit=2', 'query.limit'],
      ['/api/v1/phones?active=maybe', 'query.active'],
      ['/api/v1/phones?sitee=munich', 'query.sitee'],
    ])('rejects %s at %s', async (path, at) => {
      const error = await expectError(await call(path, { key: readKey }), 400, 'invalid-request');
      expect(error.details).toEqual([{ path: at, message: expect.any(String) }]);
    });

    it('answers a JSON route with another content type with 415', async () => {
      const res = await call('/api/v1/phones', { method: 'POST', key: operatorKey, headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      const error = await expectError(res, 415, 'unsupported-media-type');
      expect(error.message).toContain('application/json');
    });

    it('answers a text route sent JSON with 415', async () => {
      await expectError(await postJson('/api/v1/phones/import', { csv: 'no' }), 415, 'unsupported-media-type');
    });

    it.each([['{"mac": '], [''], ['{"a":1}garbage']])('answers the body %j with 400 invalid-json', async (body) => {
      const res = await call('/api/v1/phones', { method: 'POST', key: operatorKey, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body });
      await expectError(res, 400, 'invalid-json');
    });
  });

  describe('body limits', () => {
    it('answers a body announced larger than the limit with 413, closes the connection and stays up', async () => {
      const big = JSON.stringify({ mac: KNOWN_MAC, site: 'x'.repeat(4 * JSON_LIMIT), items: [] });
      const res = await postRaw('/api/v1/phones', big, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(big)) });
      expect(res.status).toBe(413);
      expect(res.headers['connection']).toBe('close');
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'payload-too-large' } });
      expect((await call('/api/v1/health')).status).toBe(200);
    });

    it('stops reading a chunked body at the limit instead of draining it', async () => {
      // 64 MiB in chunks of the limit: more than the kernel's socket buffers can absorb, so the
      // client can only finish writing if the server reads it all.
      const res = await postRaw('/api/v1/phones', new Array<string>(1024).fill('x'.repeat(JSON_LIMIT)), {
        'Content-Type': 'application/json',
      });
      expect(res.status).toBe(413);
      expect(res.headers['connection']).toBe('close');
      expect(res.clientWroteAll).toBe(false);
      expect((await call('/api/v1/health')).status).toBe(200);
    });

    it('takes a text/csv body as raw bytes under its own, larger limit', async () => {
      const csv = Buffer.concat([Buffer.from('mac,site\n'), Buffer.alloc(2 * JSON_LIMIT, 'a'), Buffer.from([0xe9, 0x0a])]);
      const res = await call('/api/v1/phones/import', { method: 'POST', key: operatorKey, headers: { 'Content-Type': 'text/csv' }, body: csv });
      expect(res.status).toBe(200);
      // 0xE9 alone is Latin-1 "é", not UTF-8: the handler sees the bytes and can tell.
      expect(await res.json()).toEqual({ bytes: csv.length, validUtf8: false });
    });

    it('answers a text/csv body over its own limit with 413', async () => {
      const csv = Buffer.alloc(256 * 1024 + 1, 'a');
      const res = await postRaw('/api/v1/phones/import', csv, { 'Content-Type': 'text/csv', 'Content-Length': String(csv.length) });
      expect(res.status).toBe(413);
    });
  });

  describe('responses', () => {
    it('maps an HttpError to its status, code, message and details', async () => {
      const error = await expectError(await call('/api/v1/phones/00:00:00:00:00:00', { key: readKey }), 404, 'phone-not-found');
      expect(error).toEqual({ code: 'phone-not-found', message: 'No phone 00:00:00:00:00:00', details: { mac: '00:00:00:00:00:00' } });
      const conflict = await expectError(await call('/api/v1/conflict', { method: 'POST', key: operatorKey }), 409, 'job-already-queued');
      expect(conflict.details).toEqual({ jobId: 'j-1' });
    });

    it('answers a throwing handler with 500 internal, logs the error, hides it from the client and stays up', async () => {
      const res = await call('/api/v1/boom', { key: readKey });
      const error = await expectError(res, 500, 'internal');
      expect(JSON.stringify(error)).not.toContain('kaboom');
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
      expect(logged).toMatchObject({ level: 'error', route: '/api/v1/boom', error: { message: 'kaboom: database exploded' } });
      expect((await call('/api/v1/health')).status).toBe(200);
    });

    it('never logs the request body, even when the handler fails', async () => {
      await expectError(await postJson('/api/v1/boom', { password: 'hunter2-body-marker' }), 500, 'internal');
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.join('\n')).not.toContain('hunter2-body-marker');
    });

    it('streams a response chunk by chunk (chunked, no Content-Length)', async () => {
      const res = await call('/api/v1/phones/export.csv', { key: readKey });
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(res.headers.get('content-length')).toBeNull();
      expect((await res.text()).trim().split('\n')).toEqual([
        'mac,site',
        '00:01:E3:25:EA:10,munich',
        '00:01:E3:25:EA:11,munich',
        '00:01:E3:25:EA:12,munich',
      ]);
    });

    it('cuts a stream that fails half-way instead of ending it as if complete', async () => {
      const res = await call('/api/v1/stream/broken');
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
      expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed')).toMatchObject({ error: { message: 'cursor lost' } });
    });

    it('closes the producer when the client goes away, and stays up', async () => {
      const controller = new AbortController();
      const res = await call('/api/v1/stream/infinite', { signal: controller.signal });
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('"progress":');
      controller.abort();
      await infinite.closed; // the generator's finally ran; the test times out if it never does
      expect((await call('/api/v1/health')).status).toBe(200);
      await waitFor(() => requestLogs().some((l) => l['route'] === '/api/v1/stream/infinite'));
      expect(requestLogs().find((l) => l['route'] === '/api/v1/stream/infinite')).toMatchObject({ status: 200, aborted: true });
    });

    it("aborts the handler's signal when the client goes away before the answer", async () => {
      const controller = new AbortController();
      const pending = call('/api/v1/slow', { signal: controller.signal });
      await handlerStarted; // abort only once the handler is waiting
      controller.abort();
      await expect(pending).rejects.toThrow();
      await handlerAborted; // the test times out if the signal never fires
      await waitFor(() => requestLogs().some((l) => l['route'] === '/api/v1/slow'));
      expect(requestLogs().find((l) => l['route'] === '/api/v1/slow')).toMatchObject({ status: null, aborted: true });
    });

    it('does not produce ahead of a client that is not reading (backpressure)', async () => {
      const total = 1024 * 64 * 1024;
      const res = await call('/api/v1/stream/big');
      const reader = res.body!.getReader();
      let received = 0;
      let maxAhead = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        received += chunk.value.length;
        maxAhead = Math.max(maxAhead, big.produced - received);
      }
      expect(received).toBe(total);
      // Without backpressure the producer would run through all 64 MiB before the first write left.
      expect(maxAhead).toBeLessThan(total / 4);
    });
  });

  describe('request ids and logging', () => {
    it('returns a fresh X-Request-Id on every response', async () => {
      const a = await call('/api/v1/health');
      const b = await call('/api/v1/health');
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(a.headers.get('x-request-id')).toMatch(uuid);
      expect(b.headers.get('x-request-id')).toMatch(uuid);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });

    it('logs each request once with the route template and key id, never the key, query or body', async () => {
      const body = { mac: KNOWN_MAC, site: 'secret-site-marker', items: [{ name: 'sip-pwd', value: 'hunter2' }] };
      const res = await call('/api/v1/phones?query-marker=1', {
        method: 'POST',
        key: operatorKey,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      await expectError(res, 400, 'invalid-request'); // the unknown query parameter
      const ok = await call(`/api/v1/phones/${encodeURIComponent(KNOWN_MAC)}?`, { key: readKey });
      expect(ok.status).toBe(200);

      const ids = [res.headers.get('x-request-id'), ok.headers.get('x-request-id')];
      const linesOf = (id: string | null) => requestLogs().filter((l) => l['requestId'] === id);
      await waitFor(() => ids.every((id) => linesOf(id).length > 0));
      const logs = ids.flatMap(linesOf);
      expect(logs).toHaveLength(2);
      expect(logs[0]).toMatchObject({
        level: 'info',
        method: 'POST',
        route: '/api/v1/phones',
        status: 400,
        keyId: parseApiKey(operatorKey)!.id,
        ms: expect.any(Number),
      });
      expect(logs[1]).toMatchObject({ route: '/api/v1/phones/{mac}', status: 200, keyId: parseApiKey(readKey)!.id });
      const all = lines.join('\n');
      for (const secret of [operatorKey, parseApiKey(operatorKey)!.secret, readKey, 'query-marker', 'secret-site-marker', 'hunter2', KNOWN_MAC]) {
        expect(all).not.toContain(secret);
      }
    });
  });

  interface RawResponse {
    status: number;
    headers: IncomingMessage['headers'];
    body: string;
    clientWroteAll: boolean;
  }

  /**
   * POST with node:http rather than fetch, to send a body like a hostile client: all of it,
   * whatever the server answers, and to see whether the server made us send all of it.
   */
  function postRaw(path: string, body: string | Buffer | readonly string[], headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      let clientWroteAll = false;
      const req = httpRequest(base + path, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${operatorKey}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text, clientWroteAll }));
        res.on('error', reject);
      });
      // The server cuts the connection while we are still sending: expected, not a failure.
      req.on('error', () => undefined);
      const chunks = typeof body === 'string' || Buffer.isBuffer(body) ? [body] : body;
      void (async () => {
        for (const chunk of chunks) {
          if (req.destroyed) return;
          if (!req.write(chunk)) {
            const drained = await new Promise<boolean>((r) => {
              const settle = (value: boolean) => (): void => {
                req.off('drain', onDrain);
                req.off('close', onClose);
                r(value);
              };
              const onDrain = settle(true);
              const onClose = settle(false);
              req.once('drain', onDrain);
              req.once('close', onClose);
            });
            if (!drained) return;
          }
        }
        req.end(() => (clientWroteAll = true));
      })();
    });
  }
});

/** Polls a condition that becomes true through I/O the test does not await directly. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe('domain errors', () => {
  class NotThereError extends Error {}
  const thing = defineRoute({ method: 'GET', path: '/thing', operationId: 'thing', summary: 'Throws a domain error', tag: 'test', role: 'public', responses: {} });
  const thrower = (kind: string): Type<unknown> => {
    @Controller()
    class ThingController {
      @ApiRoute(thing)
      get(): never {
        throw kind === 'known' ? new NotThereError('no such thing') : new Error('a bug');
      }
    }
    return ThingController;
  };

  it.each([
    ['known', 404, { code: 'thing-not-found', message: 'no such thing' }, 'Retry-After', '7'],
    ['unknown', 500, { code: 'internal', message: 'Internal server error' }, 'Retry-After', null],
  ])('answers a %s domain error as the mapping says (%i)', async (kind, status, error, header, value) => {
    const api = await startTestApi([thrower(kind)], {
      routes: [thing],
      authenticate: () => Promise.resolve(undefined),
      logger: createLogger('http-api-test', 'error', () => undefined),
      document: () => ({}),
      mapError: (e) => (e instanceof NotThereError ? new HttpError(404, 'thing-not-found', e.message, undefined, { 'Retry-After': '7' }) : undefined),
    });
    try {
      const res = await fetch(`${api.base}/thing`);
      expect(res.status).toBe(status);
      expect(res.headers.get(header)).toBe(value);
      expect(((await res.json()) as { error: unknown }).error).toEqual(error);
    } finally {
      await api.close();
    }
  });
});

describe('closing an API app', () => {
  it('cuts an open stream instead of waiting for it for ever, and closes the producer', async () => {
    let markClosed = (): void => undefined;
    const producerClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const feed = defineRoute({ method: 'GET', path: '/feed', operationId: 'feed', summary: 'Endless progress feed', tag: 'test', role: 'public', responses: {} });
    @Controller()
    class FeedController {
      @ApiRoute(feed)
      feed() {
        return streamOf(
          (async function* () {
            try {
              for (;;) {
                yield '{"progress":1}\n';
                await new Promise((r) => setImmediate(r));
              }
            } finally {
              markClosed();
            }
          })(),
          'application/x-ndjson',
        );
      }
    }
    const api = await startTestApi([FeedController], {
      routes: [feed],
      authenticate: () => Promise.resolve(undefined),
      logger: createLogger('http-api-test', 'error', () => undefined),
      document: () => ({}),
    });
    const res = await fetch(`${api.base}/feed`);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);

    await api.close(); // hangs (and the test times out) if close waited for the stream
    await producerClosed;
    expect(api.server.listening).toBe(false);
    await expect(drain(reader)).rejects.toThrow();
  });
});

describe('failed authentications per source address', () => {
  const keys = keyStore();
  const readKey = keys.issue('read-only');
  const lines: string[] = [];
  let now = 1_000_000;
  let api: TestApi;
  let port: number;

  beforeAll(async () => {
    api = await startTestApi([SamplePhonesController], {
      routes: sampleRoutes,
      authenticate: keys.authenticate,
      logger: createLogger('http-api-test', 'info', (line) => lines.push(line)),
      document: () => ({ openapi: '3.1.0' }),
      authFailures: new AuthFailureLimiter({ failuresPerWindow: 3, maxSources: 100, now: () => now }),
    });
    port = Number(new URL(api.base).port);
  });
  afterAll(() => api.close());

  /** A GET from a chosen loopback address (all of 127.0.0.0/8 reaches the server on 127.0.0.1). */
  const getFrom = (localAddress: string, path: string, key?: string) =>
    new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, localAddress, agent: false, headers: key ? { Authorization: `Bearer ${key}` } : {} }, (res: IncomingMessage) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers 429 with Retry-After to every request from a source after N failures, until its minute is over', async () => {
    const wrong = generateApiKey().key;
    expect((await getFrom('127.0.0.3', '/api/v1/phones', wrong)).status).toBe(401);
    expect((await getFrom('127.0.0.3', '/api/v1/phones')).status).toBe(401);
    now += 15_000;
    expect((await getFrom('127.0.0.3', '/api/v1/phones', 'Bearer-nonsense')).status).toBe(401);

    // Shut out: a valid key and a public route alike.
    const valid = await getFrom('127.0.0.3', '/api/v1/phones', readKey);
    expect(valid).toMatchObject({ status: 429, retryAfter: '45' });
    expect(JSON.parse(valid.body)).toMatchObject({ error: { code: 'too-many-requests' } });
    expect(await getFrom('127.0.0.3', '/api/v1/openapi.json')).toMatchObject({ status: 429, retryAfter: '45' });
    // Another address is not affected.
    expect((await getFrom('127.0.0.4', '/api/v1/phones', readKey)).status).toBe(200);

    now += 45_000;
    expect((await getFrom('127.0.0.3', '/api/v1/phones', readKey)).status).toBe(200);

    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 'warn');
    expect(warnings.filter((w) => w['msg'] === 'API authentication failed').map((w) => [w['source'], w['reason']])).toEqual([
      ['127.0.0.3', 'unknown-or-revoked-key'],
      ['127.0.0.3', 'missing-key'],
      ['127.0.0.3', 'unknown-or-revoked-key'],
    ]);
    expect(warnings.filter((w) => w['msg'] === 'API source shut out after repeated failed authentications')).toEqual([
      expect.objectContaining({ source: '127.0.0.3', failures: 3, retryAfterSeconds: 45 }),
    ]);
    const logged = lines.join('\n');
    for (const key of [wrong, readKey]) expect(logged).not.toContain(parseApiKey(key)!.secret);
  });
});

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  while (!(await reader.read()).done) {
    // keep reading until the cut surfaces
  }
}
