import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dcmpPollUrl } from './dcmp-poll.client';
import { SimulatedPhone } from './phone.simulator';
import { startFakeDls, type FakeDlsServer } from './testing/fake-dls.server';
import { scriptedDls } from './testing/scripted-dls.handler';

describe('DCMP polling', () => {
  const mac = '00:1A:E8:12:34:56';
  let dls: FakeDlsServer;
  let dcmp: Server;
  let base: string;
  let status = 200;
  const polled: string[] = [];

  beforeAll(async () => {
    dcmp = createServer((req, res) => {
      polled.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'Content-Length': '0' });
      res.end();
    });
    await new Promise<void>((resolve) => dcmp.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(dcmp.address() as AddressInfo).port}`;
  });
  beforeEach(async () => {
    polled.length = 0;
    dls = await startFakeDls(scriptedDls([]));
  });
  afterEach(async () => {
    await dls.close();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => dcmp.close(() => resolve()));
  });

  it('asks with its MAC and does nothing on 200', async () => {
    status = 200;
    const result = await new SimulatedPhone({ mac, urls: [dls.url] }).pollDcmp(base);

    expect(polled).toEqual([`GET /dcmp/contact-me?device-id=${mac}`]);
    expect(result).toEqual({ url: `${base}/dcmp/contact-me?device-id=${mac}`, status: 200, outcome: 'idle' });
    expect(dls.requests).toHaveLength(0);
  });

  it('starts a solicited interaction on 202', async () => {
    status = 202;
    const result = await new SimulatedPhone({ mac, urls: [dls.url] }).pollDcmp(base);

    expect(result).toMatchObject({ status: 202, outcome: 'solicited', interaction: { ok: true, reason: 'solicited', actions: ['CleanUp'] } });
    expect(dls.requests.map((request) => request.message.reason)).toEqual(['solicited']);
  });

  it('reports any other status without contacting the service', async () => {
    status = 503;
    const result = await new SimulatedPhone({ mac, urls: [dls.url] }).pollDcmp(base);
    expect(result).toMatchObject({ status: 503, outcome: 'unexpected-status', error: 'HTTP 503' });
    expect(dls.requests).toHaveLength(0);
  });

  it('reports a poll that got no answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await new SimulatedPhone({ mac, urls: [dls.url] }).pollDcmp(`http://127.0.0.1:${port}`);
    expect(result).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('keeps a path prefix of the base URL and the MAC colons literal', () => {
    expect(dcmpPollUrl('http://proxy.test:8080/nat', '0A:E8:F3:00:42:91').toString()).toBe(
      'http://proxy.test:8080/nat/dcmp/contact-me?device-id=0A:E8:F3:00:42:91',
    );
    expect(dcmpPollUrl('https://proxy.test/', mac).toString()).toBe(`https://proxy.test/dcmp/contact-me?device-id=${mac}`);
    expect(() => dcmpPollUrl('ftp://proxy.test/', mac)).toThrow(/unsupported/);
  });
});
