import { request } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { capturingLogger } from '@workpoint/testing';
import { generate } from 'selfsigned';
import type { HttpReply } from './http-reply';
import { HttpsEdge, type HttpsEdgeOptions } from './https-edge';
import type { PhoneRequest } from './phone-request.handler';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const PHONE_PATH = '/DeploymentService/LoginService';

function post(port: number, body: string, path = PHONE_PATH, method = 'POST'): { answer: Promise<Answer>; abort: () => void } {
  let abort: () => void = () => undefined;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    abort = () => req.destroy(new Error('aborted by the test'));
    req.end(method === 'POST' ? body : undefined);
  });
  return { answer, abort: () => abort() };
}

/** Resolves once `socket` closes; what it received before that, as text. */
function closed(socket: NodeJS.ReadableStream & NodeJS.EventEmitter): Promise<string> {
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(received).toString('utf8'))));
}

/** A phone handler whose answers the test releases, so requests stay in flight as long as it wants. */
class HeldHandler {
  readonly received: PhoneRequest[] = [];
  private waiting: Array<() => void> = [];

  handle(req: PhoneRequest): Promise<HttpReply> {
    this.received.push(req);
    return new Promise((resolve) => this.waiting.push(() => resolve({ status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<ok/>' })));
  }

  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('HttpsEdge limits', () => {
  let pems: { cert: string; private: string };
  const edges: HttpsEdge[] = [];

  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(edges.splice(0).map((edge) => edge.close()));
  });

  async function edgeWith(handler: Pick<HeldHandler, 'handle'>, options: Partial<HttpsEdgeOptions> = {}) {
    const { logger, lines } = capturingLogger();
    const edge = new HttpsEdge(
      handler,
      {
        host: '127.0.0.1',
        port: 0,
        cert: pems.cert,
        key: pems.private,
        maxBodyBytes: 4096,
        maxConnections: 100,
        handshakeTimeoutMs: 10_000,
        perSourceMaxConcurrent: 2,
        ready: () => true,
        ...options,
      },
      logger,
    );
    edges.push(edge);
    return { port: await edge.listen(), lines, edge };
  }

  it('answers 503 busy with Retry-After, without calling the handler, once a source has its limit in flight', async () => {
    const handler = new HeldHandler();
    const { port, lines } = await edgeWith(handler);
    const held = [post(port, '<a/>'), post(port, '<a/>')];
    await until(() => handler.received.length === 2);

    const refused = await post(port, '<a/>').answer;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatch(/^busy: 2 requests from this address are in flight/);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['content-type']).toMatch(/^text\/plain/);
    expect(handler.received).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ level: 'warn', remoteAddress: '127.0.0.1', limit: 2 }));

    handler.releaseAll();
    expect((await Promise.all(held.map((h) => h.answer))).map((a) => a.status)).toEqual([200, 200]);
    const next = post(port, '<a/>');
    await until(() => handler.received.length === 3);
    handler.releaseAll();
    expect((await next.answer).status).toBe(200);
  });

  it('keeps /healthz and /readyz outside the limit', async () => {
    const handler = new HeldHandler();
    const { port } = await edgeWith(handler);
    const held = [post(port, '<a/>'), post(port, '<a/>')];
    await until(() => handler.received.length === 2);
    expect((await post(port, '', '/healthz', 'GET').answer).status).toBe(200);
    expect((await post(port, '', '/readyz', 'GET').answer).status).toBe(200);
    handler.releaseAll();
    await Promise.all(held.map((h) => h.answer));
  });

  it('frees the slot of a request whose client went away, while its handler still runs', async () => {
    const handler = new HeldHandler();
    const { port } = await edgeWith(handler, { perSourceMaxConcurrent: 1 });
    const gone = post(port, '<a/>');
    await until(() => handler.received.length === 1);
    gone.abort();
    await expect(gone.answer).rejects.toThrow();

    // The server learns of the abort asynchronously: until it does, the source is still busy.
    const refusedMeanwhile: number[] = [];
    for (;;) {
      const attempt = await post(port, '', '/DeploymentService/probe-by-test', 'GET').answer;
      if (attempt.status !== 503) break;
      refusedMeanwhile.push(attempt.status);
      if (refusedMeanwhile.length > 100) throw new Error('the slot was never freed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(handler.received).toHaveLength(1);
  });

  it('frees the slot when a body is refused as too large or the handler fails', async () => {
    const failing = { handle: () => Promise.reject(new Error('boom')) };
    const { port } = await edgeWith(failing, { perSourceMaxConcurrent: 1 });
    expect((await post(port, 'x'.repeat(5000)).answer).status).toBe(413);
    expect((await post(port, '<a/>').answer).status).toBe(500);
    expect((await post(port, '<a/>').answer).status).toBe(500);
  });

  it('closes connections over the connection cap before any TLS handshake', async () => {
    const { port } = await edgeWith(new HeldHandler(), { maxConnections: 1 });
    const first = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise<void>((resolve) => first.once('secureConnect', () => resolve()));
    const second = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    let handshake = false;
    second.once('secureConnect', () => (handshake = true));
    await closed(second);
    expect(handshake).toBe(false);
    first.destroy();
  });

  it('drops a connection that never starts its TLS handshake', async () => {
    const { port } = await edgeWith(new HeldHandler(), { handshakeTimeoutMs: 300 });
    const silent = tcpConnect({ host: '127.0.0.1', port });
    expect(await closed(silent)).toBe('');
  });

  it('drains on shutdown: no new connection, the requests in flight get their real answers with Connection: close', async () => {
    const handler = new HeldHandler();
    const { port, edge } = await edgeWith(handler);
    const held = [post(port, '<a/>'), post(port, '<a/>')];
    await until(() => handler.received.length === 2);
    const drained = edge.drain(60_000);
    // The listener is closed at once: a phone calling now gets a refused connection.
    await expect(post(port, '<a/>').answer).rejects.toThrow(/ECONNREFUSED/);
    handler.releaseAll();
    const answers = await Promise.all(held.map((h) => h.answer));
    expect(answers.map((a) => [a.status, a.body, a.headers['connection']])).toEqual([
      [200, '<ok/>', 'close'],
      [200, '<ok/>', 'close'],
    ]);
    expect(await drained).toBe(0);
  });

  it('cuts what is still open when the drain times out, and says how many', async () => {
    const handler = new HeldHandler();
    const { port, edge } = await edgeWith(handler);
    const held = post(port, '<a/>');
    await until(() => handler.received.length === 1);
    expect(await edge.drain(50)).toBe(1);
    await expect(held.answer).rejects.toThrow();
  });
});
