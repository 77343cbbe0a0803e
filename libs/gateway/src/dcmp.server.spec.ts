import { request } from 'node:http';
import { connect } from 'node:net';
import { capturingLogger } from '@workpoint/testing';
import { PendingJobsView } from './pending-jobs.view';
import { dcmpTestServer } from './testing/gateway-test-doubles';

const MAC = '00:1A:E8:00:00:01';
const at = '2025-01-01T00:00:00.000Z';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('DcmpServer', () => {
  const pending = new PendingJobsView();
  const { logger, lines } = capturingLogger();
  const server = dcmpTestServer(pending, { maxConnections: 100, perSourceMaxConcurrent: 100 }, logger);
  let port: number;

  beforeAll(async () => {
    port = await server.listen();
    pending.apply('configuration', { mac: MAC, queued: 1, at });
  });
  afterAll(() => server.close());

  it.each([
    ['upper-case colon form', MAC],
    ['lower-case colon form', '00:1a:e8:00:00:01'],
    ['URL-encoded colons', '00%3A1A%3AE8%3A00%3A00%3A01'],
    ['dashes', '00-1a-e8-00-00-01'],
    ['bare hex', '001AE8000001'],
  ])('answers 202 Accepted for a phone with a job queued, its MAC in %s', async (_form, deviceId) => {
    const res = await call(port, `/dcmp/contact-me?device-id=${deviceId}`);
    expect(res.status).toBe(202);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('answers 200 OK, with a Content-Length, for a phone with nothing queued', async () => {
    const res = await call(port, '/dcmp/contact-me?device-id=00:1A:E8:00:00:02');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('follows the view: 202 while a deployment is queued, 200 once it is gone', async () => {
    const mac = '00:1A:E8:00:00:03';
    pending.apply('deployment', { mac, queued: 1, at });
    expect((await call(port, `/dcmp/contact-me?device-id=${mac}`)).status).toBe(202);
    pending.apply('deployment', { mac, queued: 0, at });
    expect((await call(port, `/dcmp/contact-me?device-id=${mac}`)).status).toBe(200);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await call(port, `/dcmp/contact-me?device-id=${MAC}`, 'HEAD');
    expect(res.status).toBe(202);
    expect(res.body).toBe('');
  });

  it('logs each poll at debug', async () => {
    await call(port, `/dcmp/contact-me?device-id=${MAC}&x=1`);
    const polls = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'DCMP poll');
    expect(polls.at(-1)).toMatchObject({ level: 'debug', mac: MAC, pending: true, configuration: 1 });
  });

  it.each([
    ['no device-id', '/dcmp/contact-me'],
    ['an empty device-id', '/dcmp/contact-me?device-id='],
    ['a device-id that is not a MAC', '/dcmp/contact-me?device-id=softphone-4711'],
    ['another parameter only', '/dcmp/contact-me?mac=00:1A:E8:00:00:01'],
  ])('answers 400 to %s', async (_name, path) => {
    expect((await call(port, path)).status).toBe(400);
  });

  it.each([['/'], ['/dcmp'], ['/dcmp/contact-me-not'], ['/DeploymentService/LoginService'], ['//']])('answers 404 to %s', async (path) => {
    expect((await call(port, path)).status).toBe(404);
  });

  it.each([['POST'], ['PUT'], ['DELETE']])('answers 405 to %s, naming the allowed methods', async (method) => {
    const res = await call(port, `/dcmp/contact-me?device-id=${MAC}`, method);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('answers /healthz', async () => {
    const res = await call(port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok\n');
  });

  it('answers a poll with a trailing slash', async () => {
    expect((await call(port, `/dcmp/contact-me/?device-id=${MAC}`)).status).toBe(202);
  });

  it('answers 405, not 415 or 400, to a POST with a JSON body, and reads the body off', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const body = '{"not":"json';
      socket.write(`POST /dcmp/contact-me?device-id=${MAC} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: GET, HEAD\r\n/i);
    expect(answer.endsWith('only GET\n')).toBe(true);
  });

  it('answers a request Node cannot parse with a bare 400 and closes', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.write('GARBAGE\r\n\r\n');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('answers 404 as plain text', async () => {
    const res = await call(port, '/nowhere');
    expect(res.body).toBe('not found\n');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});

describe('DcmpServer connection cap', () => {
  const { logger } = capturingLogger();
  const server = dcmpTestServer(new PendingJobsView(), { maxConnections: 1, perSourceMaxConcurrent: 100 }, logger);
  afterAll(() => server.close());

  it('closes a connection over GATEWAY_MAX_CONNECTIONS as soon as it is accepted', async () => {
    const port = await server.listen();
    const first = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => first.once('connect', resolve));
    const second = connect({ host: '127.0.0.1', port });
    second.on('error', () => undefined);
    second.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const received: Buffer[] = [];
    second.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => second.once('close', resolve));
    expect(Buffer.concat(received).toString('utf8')).toBe('');
    first.destroy();
  });
});

describe('DcmpServer per-source limit', () => {
  const { logger, lines } = capturingLogger();
  // No poll in flight is allowed from any address: each is refused as one over the limit.
  const server = dcmpTestServer(new PendingJobsView(), { maxConnections: 100, perSourceMaxConcurrent: 0 }, logger);
  let port: number;

  beforeAll(async () => {
    port = await server.listen();
  });
  afterAll(() => server.close());

  it('answers 503 busy with Retry-After and Connection: close, and logs the refusal', async () => {
    const res = await call(port, `/dcmp/contact-me?device-id=${MAC}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['connection']).toBe('close');
    expect(res.body).toBe('busy: 0 requests from this address are in flight; retry later\n');
    expect(lines.some((l) => l.includes('refused a DCMP poll'))).toBe(true);
  });

  it('keeps /healthz outside the limit', async () => {
    expect((await call(port, '/healthz')).status).toBe(200);
  });
});
