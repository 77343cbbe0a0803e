import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { CONTACT_ME_PATH, type ContactMeListener, type ContactMeListenOptions } from './contact-me.listener';
import { SimulatedPhone } from './phone.simulator';
import { startFakeDls, type FakeDlsServer } from './testing/fake-dls.server';
import { scriptedDls } from './testing/scripted-dls.handler';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a service does to reach a phone (protocol.md §2.5): a form POST, or the GET variant PG used. */
function contactMe(url: string, options: { method?: string; body?: string; path?: string } = {}): Promise<Answer> {
  const target = new URL(options.path ?? '', url);
  return new Promise<Answer>((resolve, reject) => {
    const body = options.body ?? 'ContactMe=true';
    const req = httpRequest(
      target,
      {
        method: options.method ?? 'POST',
        agent: false,
        headers:
          (options.method ?? 'POST') === 'POST'
            ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }
            : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end((options.method ?? 'POST') === 'POST' ? body : undefined);
  });
}

describe('the contact-me listener', () => {
  const mac = '00:1A:E8:C0:FF:EE';
  const servers: FakeDlsServer[] = [];
  const listeners: ContactMeListener[] = [];
  const serve = async (): Promise<FakeDlsServer> => {
    const server = await startFakeDls(scriptedDls([]));
    servers.push(server);
    return server;
  };
  const listen = async (phone: SimulatedPhone, options: ContactMeListenOptions = {}): Promise<ContactMeListener> => {
    const listener = await phone.listenForContactMe({ host: '127.0.0.1', port: 0, ...options });
    listeners.push(listener);
    return listener;
  };
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((listener) => listener.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('answers a POST with 204 like a phone, then calls the service back with solicited', async () => {
    const server = await serve();
    const phone = new SimulatedPhone({ mac, urls: [server.url] });
    const listener = await listen(phone);
    const before = Date.now();
    const answer = await contactMe(listener.url);

    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({ server: 'DlsClient', 'content-length': '0', 'content-type': 'text/html' });
    expect(answer.body).toBe('');
    const [record] = listener.requests;
    expect(record).toMatchObject({ method: 'POST', path: CONTACT_ME_PATH, contactMe: true, answeredStatus: 204, callBackUrls: [server.url] });
    expect(record.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1);

    const callBack = await record.callBack;
    expect(callBack).toMatchObject({ ok: true, reason: 'solicited', actions: ['CleanUp'] });
    expect(server.requests.map((request) => request.message.reason)).toEqual(['solicited']);
    const uri = server.requests[0].message.items.find((item) => item.name === 'contact-me-uri')?.value;
    expect(uri).toBe(listener.url);
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}${CONTACT_ME_PATH}`);
  });

  it('calls back at dls_ip_addr:dls_ip_port when the service names them', async () => {
    const configured = await serve();
    const scanner = await serve();
    const phone = new SimulatedPhone({ mac, urls: [configured.url] });
    const listener = await listen(phone);
    const port = new URL(scanner.url).port;
    await contactMe(listener.url, { body: `ContactMe=true&dls_ip_addr=127.0.0.1&dls_ip_port=${port}` });

    const record = listener.requests[0];
    expect(record).toMatchObject({ dlsIpAddr: '127.0.0.1', dlsIpPort: Number(port) });
    expect((await record.callBack)?.ok).toBe(true);
    expect(scanner.requests.map((request) => request.message.reason)).toEqual(['solicited']);
    expect(configured.requests).toHaveLength(0);
    expect(record.callBackUrls).toEqual([`https://127.0.0.1:${port}/DeploymentService/LoginService`]);
  });

  it('accepts the GET variant with a query string', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }));
    const answer = await contactMe(listener.url, { method: 'GET', path: `${CONTACT_ME_PATH}?ContactMe=true` });

    expect(answer.status).toBe(204);
    expect((await listener.requests[0].callBack)?.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('answers but does not call back without ContactMe=true', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }));
    expect((await contactMe(listener.url, { body: 'ContactMe=false' })).status).toBe(204);
    expect(listener.requests[0]).toMatchObject({ contactMe: false, answeredStatus: 204 });
    expect(listener.requests[0].callBack).toBeUndefined();
  });

  it('can refuse, answering the configured status and calling nobody', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }), { refuseWith: 500 });
    expect((await contactMe(listener.url)).status).toBe(500);
    expect(listener.requests[0]).toMatchObject({ contactMe: true, answeredStatus: 500 });
    expect(listener.requests[0].callBack).toBeUndefined();
  });

  it('can ignore a contact-me, answering 204 without calling back', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }), { callBack: false });
    expect((await contactMe(listener.url)).status).toBe(204);
    expect(listener.requests[0].callBack).toBeUndefined();
  });

  it('can be slow: the request is recorded at once, the answer comes after the delay', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }), { responseDelayMs: 300 });
    const pending = contactMe(listener.url);
    while (listener.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(listener.requests[0].answeredStatus).toBeUndefined();

    expect((await pending).status).toBe(204);
    expect(listener.requests[0].answeredStatus).toBe(204);
    expect((await listener.requests[0].callBack)?.ok).toBe(true);
  });

  it('lets a test change its reaction between contact-mes', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }), { refuseWith: 503 });
    expect((await contactMe(listener.url)).status).toBe(503);
    listener.options.refuseWith = undefined;
    expect((await contactMe(listener.url)).status).toBe(204);
    expect(listener.requests.map((record) => record.answeredStatus)).toEqual([503, 204]);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const server = await serve();
    const listener = await listen(new SimulatedPhone({ mac, urls: [server.url] }));
    expect((await contactMe(listener.url, { path: '/index.html' })).status).toBe(404);
    expect((await contactMe(listener.url, { method: 'PUT' })).status).toBe(405);
    expect(listener.requests).toHaveLength(0);
  });

  it('aborts a pending call-back and stops listening on close', async () => {
    const server = await serve();
    const phone = new SimulatedPhone({ mac, urls: [server.url] });
    const listener = await phone.listenForContactMe({ port: 0, callBackDelayMs: 60_000 });
    await contactMe(listener.url);
    await listener.close();

    expect(await listener.requests[0].callBack).toMatchObject({ ok: false, aborted: true });
    expect(server.requests).toHaveLength(0);
    await expect(contactMe(listener.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
