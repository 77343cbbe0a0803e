import { runStorm } from './storm.runner';
import { startFakeDls, type FakeDlsServer } from './testing/fake-dls.server';

describe('runStorm', () => {
  const servers: FakeDlsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('runs distinct phones with bounded concurrency and summarises them', async () => {
    const server = await startFakeDls();
    servers.push(server);
    const result = await runStorm({ phones: 12, concurrency: 4, urls: [server.url], itemCount: 50, macStart: 0x10 });

    expect(result).toMatchObject({
      phones: 12,
      concurrency: 4,
      started: 12,
      completedOk: 12,
      failed: 0,
      aborted: 0,
      notStarted: 0,
      deadlineReached: false,
      firstErrors: [],
      exchanges: 24,
      actions: { ReadAllItems: 12, CleanUp: 12 },
    });
    expect(result.latencyMs.count).toBe(24);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99);
    expect(result.startUpsPerSec).toBeGreaterThan(0);

    const macs = server.requests
      .filter((request) => request.message.reason === 'start-up')
      .map((request) => request.message.items.find((item) => item.name === 'mac-addr')?.value);
    expect(new Set(macs).size).toBe(12);
    expect(macs).toContain('00:1A:E8:00:00:10');
    expect(macs).toContain('00:1A:E8:00:00:1B');
  });

  it('spreads start-ups over the URLs while every interaction still changes gateway', async () => {
    const gatewayA = await startFakeDls();
    const gatewayB = await startFakeDls();
    servers.push(gatewayA, gatewayB);
    const result = await runStorm({ phones: 4, concurrency: 2, urls: [gatewayA.url, gatewayB.url], itemCount: 20 });

    expect(result.completedOk).toBe(4);
    for (const gateway of [gatewayA, gatewayB]) {
      const reasons = gateway.requests.map((request) => request.message.reason).sort();
      expect(reasons).toEqual(['reply-to', 'reply-to', 'start-up', 'start-up']);
    }
  });

  it('never has more than `concurrency` interactions in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await startFakeDls((request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        const action = request.message.reason === 'start-up' ? 'ReadAllItems' : 'CleanUp';
        const xml = `<DLSMessage><Message nonce="${request.message.nonce}"><Action>${action}</Action></Message></DLSMessage>`;
        response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
        response.end(xml);
      }, 5);
    });
    servers.push(server);
    const result = await runStorm({ phones: 20, concurrency: 3, urls: [server.url], itemCount: 20 });
    expect(result.completedOk).toBe(20);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('counts failures and keeps the first error messages', async () => {
    const server = await startFakeDls((_request, response) => {
      response.writeHead(500, { 'Content-Length': 0 });
      response.end();
    });
    servers.push(server);
    const result = await runStorm({ phones: 15, concurrency: 5, urls: [server.url], macStart: 0 });
    expect(result).toMatchObject({ started: 15, completedOk: 0, failed: 15, exchanges: 15 });
    expect(result.firstErrors).toHaveLength(10);
    expect(result.firstErrors[0]).toMatch(/^00:1A:E8:00:00:0[0-9A-F]: exchange 1: HTTP 500$/);
  });

  it('terminates at its deadline against a service that never answers', async () => {
    const server = await startFakeDls(() => undefined);
    servers.push(server);
    const begin = Date.now();
    const result = await runStorm({ phones: 50, concurrency: 8, urls: [server.url], deadlineMs: 500 });
    const elapsed = Date.now() - begin;

    expect(elapsed).toBeLessThan(5000);
    expect(result).toMatchObject({ deadlineReached: true, started: 8, completedOk: 0, aborted: 8, failed: 0, notStarted: 42 });
    expect(result.wallMs).toBeGreaterThanOrEqual(450);
  });

  it('terminates at its deadline when nothing listens at all', async () => {
    // Port 9 on loopback: refused immediately, so every phone fails fast until the deadline.
    const result = await runStorm({ phones: 5, concurrency: 2, urls: ['https://127.0.0.1:9/'], deadlineMs: 2000 });
    expect(result.started).toBe(5);
    expect(result.failed).toBe(5);
    expect(result.firstErrors[0]).toMatch(/request failed: .*ECONNREFUSED/);
  });

  it('handles an empty storm', async () => {
    const result = await runStorm({ phones: 0, concurrency: 4, urls: ['https://127.0.0.1:9/'] });
    expect(result).toMatchObject({ started: 0, completedOk: 0, exchanges: 0 });
  });
});
