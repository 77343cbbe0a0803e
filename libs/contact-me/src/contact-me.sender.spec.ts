import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_RESPONSE_BYTES, sendContactMe } from './contact-me.sender';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP server whose handler the test chooses; records requests and connections. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const requests: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const closedSockets: Socket[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      handler(req, res, seen);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closedSockets.push(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/contact_dls.html/ContactDLS') => `http://127.0.0.1:${port}${path}`,
    requests,
    connections: () => connections,
    openSockets: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Served = Awaited<ReturnType<typeof serve>>;
let servers: Served[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const track = async (s: Promise<Served>) => {
  const served = await s;
  servers.push(served);
  return served;
};

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const phoneAnswer = (status: number) => (_req: IncomingMessage, res: ServerResponse) => {
  // What a phone sends back (protocol.md §2.5).
  res.writeHead(status, { Server: 'DlsClient', 'Content-Length': '0', 'Content-Type': 'text/html' });
  res.end();
};

describe('sendContactMe against loopback servers', () => {
  it('POSTs ContactMe=true as a form to the reported path and takes 204 as accepted', async () => {
    const phone = await track(serve(phoneAnswer(204)));
    await expect(sendContactMe(phone.url(), { timeoutMs: 5_000 })).resolves.toEqual({ kind: 'accepted', status: 204 });
    expect(phone.requests).toHaveLength(1);
    const [seen] = phone.requests;
    expect(seen!.method).toBe('POST');
    expect(seen!.url).toBe('/contact_dls.html/ContactDLS');
    expect(seen!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(seen!.headers['content-length']).toBe('14');
    expect(seen!.headers.connection).toBe('close');
    expect(seen!.body).toBe('ContactMe=true');
  });

  it('adds dls_ip_addr and dls_ip_port when a call-back address is given', async () => {
    const phone = await track(serve(phoneAnswer(204)));
    const outcome = await sendContactMe(phone.url(), { timeoutMs: 5_000, callback: { host: '192.168.1.10', port: 18443 } });
    expect(outcome.kind).toBe('accepted');
    const body = phone.requests[0]!.body;
    expect(body).toBe('ContactMe=true&dls_ip_addr=192.168.1.10&dls_ip_port=18443');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ ContactMe: 'true', dls_ip_addr: '192.168.1.10', dls_ip_port: '18443' });
  });

  it('keeps the query of the reported URI', async () => {
    const phone = await track(serve(phoneAnswer(204)));
    await sendContactMe(phone.url('/contact_dls.html/ContactDLS?x=1'), { timeoutMs: 5_000 });
    expect(phone.requests[0]!.url).toBe('/contact_dls.html/ContactDLS?x=1');
  });

  it('takes 200 as accepted too (lenient)', async () => {
    const phone = await track(serve(phoneAnswer(200)));
    await expect(sendContactMe(phone.url(), { timeoutMs: 5_000 })).resolves.toEqual({ kind: 'accepted', status: 200 });
  });

  it.each([404, 401, 500, 302])('reports HTTP %i as refused', async (status) => {
    const phone = await track(
      serve((_req, res) => {
        res.writeHead(status, { 'Content-Type': 'text/html' });
        res.end('<html>no</html>');
      }),
    );
    await expect(sendContactMe(phone.url(), { timeoutMs: 5_000 })).resolves.toEqual({ kind: 'refused', status });
  });

  it('opens a fresh connection per request and leaves none open', async () => {
    const phone = await track(serve(phoneAnswer(204)));
    await sendContactMe(phone.url(), { timeoutMs: 5_000 });
    await sendContactMe(phone.url(), { timeoutMs: 5_000 });
    expect(phone.connections()).toBe(2);
    await waitFor(() => phone.openSockets() === 0);
    expect(phone.openSockets()).toBe(0);
  });

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort();
    const outcome = await sendContactMe(`http://127.0.0.1:${port}/contact_dls.html/ContactDLS`, { timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' });
  });

  it('reports a connection reset before any answer as unreachable', async () => {
    const phone = await track(serve((req) => req.socket.destroy()));
    const outcome = await sendContactMe(phone.url(), { timeoutMs: 5_000 });
    expect(outcome.kind).toBe('unreachable');
    expect(phone.requests).toHaveLength(1);
  });

  it('times out a server that never answers, and closes the connection', async () => {
    const phone = await track(serve(() => undefined));
    const outcome = await sendContactMe(phone.url(), { timeoutMs: 200 });
    expect(outcome).toEqual({ kind: 'timed-out' });
    expect(phone.requests).toHaveLength(1);
    await waitFor(() => phone.openSockets() === 0);
    expect(phone.openSockets()).toBe(0);
  });

  it('stops reading an endless body once past the cap, keeping the answer', async () => {
    const phone = await track(
      serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        const chunk = Buffer.alloc(4096, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }),
    );
    // The deadline is far beyond the test's own timeout: only the cap can end this in time.
    await expect(sendContactMe(phone.url(), { timeoutMs: 60_000 })).resolves.toEqual({ kind: 'accepted', status: 200 });
    expect(MAX_RESPONSE_BYTES).toBeLessThan(1024 * 1024);
  });

  it.each([
    ['https', 'https://127.0.0.1:{port}/contact_dls.html/ContactDLS', 'unsupported scheme https:'],
    ['ftp', 'ftp://127.0.0.1:{port}/contact_dls.html/ContactDLS', 'unsupported scheme ftp:'],
    ['a host name', 'http://localhost:{port}/contact_dls.html/ContactDLS', 'host name, not an IP address'],
    ['credentials', 'http://admin:123456@127.0.0.1:{port}/contact_dls.html/ContactDLS', 'credentials in the URL are not supported'],
    ['not a URL', '127.0.0.1:{port}/contact_dls.html/ContactDLS', 'not a URL'],
    ['garbage', 'http://', 'not a URL'],
    ['empty', '', 'empty target'],
  ])('rejects %s as invalid-target without a request', async (_name, template, reason) => {
    const phone = await track(serve(phoneAnswer(204)));
    const target = template.replace('{port}', String(phone.port));
    await expect(sendContactMe(target, { timeoutMs: 5_000 })).resolves.toEqual({ kind: 'invalid-target', reason });
    expect(phone.connections()).toBe(0);
  });

  it.each([
    ['no path', 'http://127.0.0.1:{port}'],
    ['only a slash', 'http://127.0.0.1:{port}/'],
  ])('sends a URI with %s to the documented /contact_dls.html/ContactDLS', async (_name, template) => {
    const phone = await track(serve(phoneAnswer(204)));
    await expect(sendContactMe(template.replace('{port}', String(phone.port)), { timeoutMs: 5_000 })).resolves.toEqual({ kind: 'accepted', status: 204 });
    expect(phone.requests.map((r) => r.url)).toEqual(['/contact_dls.html/ContactDLS']);
  });

  it('rejects with the abort reason when the signal aborts, and closes the connection', async () => {
    const phone = await track(serve(() => undefined));
    const controller = new AbortController();
    const sending = sendContactMe(phone.url(), { timeoutMs: 60_000, signal: controller.signal });
    await waitFor(() => phone.requests.length === 1);
    controller.abort(new Error('shutting down'));
    await expect(sending).rejects.toThrow('shutting down');
    await waitFor(() => phone.openSockets() === 0);
    expect(phone.openSockets()).toBe(0);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const phone = await track(serve(phoneAnswer(204)));
    await expect(sendContactMe(phone.url(), { timeoutMs: 5_000, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(phone.connections()).toBe(0);
  });

  it.each<[string, Parameters<typeof sendContactMe>[1]]>([
    ['a zero timeout', { timeoutMs: 0 }],
    ['a call-back port out of range', { timeoutMs: 1000, callback: { host: '10.0.0.1', port: 0 } }],
    ['a call-back host with a path', { timeoutMs: 1000, callback: { host: '10.0.0.1/x', port: 18443 } }],
  ])('rejects %s as a programming error', async (_name, opts) => {
    await expect(sendContactMe('http://127.0.0.1:1/contact_dls.html/ContactDLS', opts)).rejects.toThrow(RangeError);
  });
});

/** Polls a condition the server side reaches asynchronously (socket close); fails the test by its timeout. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
