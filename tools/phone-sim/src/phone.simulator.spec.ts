import { buildDlsMessage } from '@workpoint/wpi-codec';
import { fullItemSet } from './item-set.factory';
import { SimulatedPhone } from './phone.simulator';
import { happyStartUp, sendXml, fakeDlsPerTest } from './testing/fake-dls.server';

describe('SimulatedPhone', () => {
  const serve = fakeDlsPerTest();

  const mac = '00:1A:E8:12:34:56';

  it('runs start-up → ReadAllItems → reply-to → CleanUp and reports ok', async () => {
    const server = await serve();
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();

    expect(result).toMatchObject({ mac, ok: true, actions: ['ReadAllItems', 'CleanUp'] });
    expect(result.error).toBeUndefined();
    expect(result.exchanges).toHaveLength(2);
    for (const exchange of result.exchanges) {
      expect(exchange).toMatchObject({ httpStatus: 200, contentType: 'text/xml', chunked: false, nonceEchoed: true, errors: [] });
      expect(exchange.latencyMs).toBeGreaterThan(0);
    }
  });

  it('sends the basic items and a fresh upper-hex nonce with start-up, like a real phone', async () => {
    const server = await serve();
    const phone = new SimulatedPhone({ mac, e164: '4989700123', urls: [server.url], configurationChanged: true });
    await phone.startUp();
    await phone.startUp();

    const [first, , second] = server.requests;
    expect(first.message.reason).toBe('start-up');
    expect(first.message.nonce).toMatch(/^[0-9A-F]{32}$/);
    expect(second.message.nonce).not.toBe(first.message.nonce);
    const items = new Map(first.message.items.map((item) => [item.name, item]));
    expect(items.get('mac-addr')?.value).toBe(mac);
    expect(items.get('e164')?.value).toBe('4989700123');
    expect(items.get('device-type')?.value).toBe('OpenStage 60');
    expect(items.get('software-version')?.value).toBe('V3 R5.12.0');
    expect(items.get('configuration-changed-flag')?.value).toBe('true');
    expect(items.get('contact-me-uri')?.value).toMatch(/^http:\/\/127\.0\.0\.\d+:8085\/contact_dls\.html\/ContactDLS$/);
    expect(items.get('user-pwd-unicode')).toMatchObject({ status: 'failed', value: null });
    expect(first.headers).toMatchObject({ 'content-type': 'text/xml', connection: 'close' });
    expect(first.headers['content-length']).toBe(String(Buffer.byteLength(first.body)));
    expect(first.path).toBe('/DeploymentService/LoginService');
  });

  it('sends no cookie first, echoes the session cookie on the reply-to, and leaves mac-addr out of it', async () => {
    const server = await serve();
    await new SimulatedPhone({ mac, urls: [server.url] }).startUp();

    const [startUp, reply] = server.requests;
    expect(startUp.headers.cookie).toBeUndefined();
    expect(reply.headers.cookie).toBe('JSESSIONID=0123456789ABCDEF0123456789ABCDEF');
    expect(reply.message).toMatchObject({
      reason: 'reply-to',
      replyTo: { action: 'ReadAllItems', status: 'accepted' },
      fragment: 'final',
      nonce: startUp.message.nonce,
    });
    expect(reply.message.items.some((item) => item.name === 'mac-addr')).toBe(false);
    expect(reply.message.items).toEqual(fullItemSet({ mac }));
    expect(reply.message.items).toHaveLength(200);
  });

  it('appends "; path=/" to the cookie with the firmware quirk', async () => {
    const server = await serve();
    await new SimulatedPhone({ mac, urls: [server.url], cookieQuirk: true }).startUp();
    expect(server.requests[1].headers.cookie).toBe('JSESSIONID=0123456789ABCDEF0123456789ABCDEF; path=/');
  });

  it('sends exchange k to urls[k % urls.length], carrying the cookie across gateways', async () => {
    const gatewayA = await serve();
    const gatewayB = await serve();
    const result = await new SimulatedPhone({ mac, urls: [gatewayA.url, gatewayB.url] }).startUp();

    expect(result.ok).toBe(true);
    expect(gatewayA.requests.map((request) => request.message.reason)).toEqual(['start-up']);
    expect(gatewayB.requests.map((request) => request.message.reason)).toEqual(['reply-to']);
    expect(gatewayB.requests[0].headers.cookie).toBe('JSESSIONID=0123456789ABCDEF0123456789ABCDEF');
    expect(result.exchanges.map((exchange) => exchange.url)).toEqual([gatewayA.url, gatewayB.url]);
  });

  it('marks a response with a wrong nonce as not ok', async () => {
    const server = await serve((request, response) =>
      request.message.reason === 'start-up'
        ? sendXml(response, buildDlsMessage({ nonce: 'ABCDEF0123456789ABCDEF0123456789', action: 'ReadAllItems' }))
        : happyStartUp(request, response),
    );
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();

    expect(result.ok).toBe(false);
    expect(result.exchanges[0].nonceEchoed).toBe(false);
    expect(result.error).toMatch(/^exchange 1: nonce ABCDEF0123456789ABCDEF0123456789 instead of [0-9A-F]{32}$/);
    // Like a phone, it still follows the action.
    expect(result.actions).toEqual(['ReadAllItems', 'CleanUp']);
  });

  it('marks a chunked response as not ok', async () => {
    const server = await serve((request, response) => {
      const xml = buildDlsMessage({ nonce: request.message.nonce, action: 'CleanUp' });
      response.writeHead(200, { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' });
      response.write(xml.slice(0, 40));
      response.end(xml.slice(40));
    });
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();

    expect(result.ok).toBe(false);
    expect(result.exchanges[0]).toMatchObject({ chunked: true, nonceEchoed: true, action: 'CleanUp' });
    expect(result.exchanges[0].errors).toEqual(expect.arrayContaining(['chunked transfer encoding', 'no Content-Length']));
  });

  it('marks a non-200 response as not ok and stops', async () => {
    const server = await serve((request, response) =>
      sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action: 'CleanUp' }), 503),
    );
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();

    expect(result).toMatchObject({ ok: false, actions: [], error: 'exchange 1: HTTP 503' });
    expect(result.exchanges).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('marks a wrong content type as not ok', async () => {
    const server = await serve((request, response) => {
      const xml = buildDlsMessage({ nonce: request.message.nonce, action: 'CleanUp' });
      response.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(xml) });
      response.end(xml);
    });
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();
    expect(result).toMatchObject({ ok: false, error: 'exchange 1: content type text/html instead of text/xml' });
  });

  it('accepts text/xml with a charset parameter', async () => {
    const server = await serve((request, response) => {
      const xml = buildDlsMessage({ nonce: request.message.nonce, action: 'CleanUp' });
      response.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': Buffer.byteLength(xml) });
      response.end(xml);
    });
    expect((await new SimulatedPhone({ mac, urls: [server.url] }).startUp()).ok).toBe(true);
  });

  it('marks an unparseable body as not ok', async () => {
    const server = await serve((_request, response) => sendXml(response, '<html>oops</html>'));
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^exchange 1: unparseable DLSMessage: /);
  });

  it('is not ok when the interaction ends without CleanUp', async () => {
    const server = await serve((request, response) => {
      if (request.message.reason === 'start-up') {
        sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action: 'ReadAllItems' }));
      } else {
        response.socket?.destroy();
      }
    });
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp();
    expect(result.ok).toBe(false);
    expect(result.actions).toEqual(['ReadAllItems']);
    expect(result.error).toMatch(/^exchange 2: request failed: /);
  });

  it('refuses an action its firmware does not support with reply-to status="failed"', async () => {
    const server = await serve((request, response) => {
      const action = request.message.reason === 'start-up' ? 'Restart' : 'CleanUp';
      sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action }));
    });
    const result = await new SimulatedPhone({ mac, urls: [server.url], behaviour: { refusedActions: ['Restart'] } }).startUp();

    expect(result).toMatchObject({ ok: true, actions: ['Restart', 'CleanUp'] });
    expect(server.requests[1].message).toMatchObject({
      reason: 'reply-to',
      replyTo: { action: 'Restart', status: 'failed' },
      items: [],
    });
  });

  it('gives up after maxExchanges when the service never sends CleanUp', async () => {
    const server = await serve((request, response) =>
      sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action: 'ReadAllItems' })),
    );
    const result = await new SimulatedPhone({ mac, urls: [server.url], maxExchanges: 5 }).startUp();

    expect(result.ok).toBe(false);
    expect(result.error).toBe('service did not send CleanUp within 5 exchanges');
    expect(server.requests).toHaveLength(5);
  });

  it('times out a service that never answers', async () => {
    const server = await serve(() => undefined);
    const result = await new SimulatedPhone({ mac, urls: [server.url], timeoutMs: 200 }).startUp();
    expect(result.ok).toBe(false);
    expect(result.error).toBe('exchange 1: request failed: no complete response within 200 ms');
    expect(result.exchanges[0].latencyMs).toBeGreaterThanOrEqual(190);
  });

  it('stops when the interaction is aborted', async () => {
    const server = await serve(() => undefined);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).startUp({ signal: abort.signal });
    expect(result).toMatchObject({ ok: false, error: 'exchange 1: aborted' });
  });

  it('uses one connection per interaction with keepAlive, a new one per exchange without', async () => {
    const server = await serve();
    await new SimulatedPhone({ mac, urls: [server.url], keepAlive: true }).startUp();
    expect(server.connections()).toBe(1);
    await new SimulatedPhone({ mac, urls: [server.url] }).startUp();
    expect(server.connections()).toBe(3);

    const [kaStart, kaReply, closeStart, closeReply] = server.requests;
    expect(kaStart.headers.connection).toBe('keep-alive');
    expect(kaReply.headers.connection).toBe('keep-alive');
    expect(closeStart.headers.connection).toBe('close');
    expect(closeReply.headers.connection).toBe('close');
  });

  it('resumes its TLS session within an interaction unless told not to, never across interactions', async () => {
    const server = await serve();
    const phone = new SimulatedPhone({ mac, urls: [server.url] });
    await phone.startUp();
    await phone.startUp();
    await new SimulatedPhone({ mac, urls: [server.url], tlsSessionReuse: false }).startUp();
    expect(server.requests.map((request) => request.tlsResumed)).toEqual([false, true, false, true, false, false]);
  });

  it('reports every request and response through onWire', async () => {
    const server = await serve();
    const events: string[] = [];
    await new SimulatedPhone({
      mac,
      urls: [server.url],
      onWire: (event) => events.push(`${event.direction} ${event.status ?? ''} ${event.body.includes('<Action>') ? 'dls' : 'wpi'}`),
    }).startUp();
    expect(events).toEqual(['request  wpi', 'response 200 dls', 'request  wpi', 'response 200 dls']);
  });

  it('rejects bad options early', () => {
    expect(() => new SimulatedPhone({ mac: 'nonsense', urls: ['https://127.0.0.1:1/'] })).toThrow(/invalid MAC/);
    expect(() => new SimulatedPhone({ mac, urls: [] })).toThrow(/at least one service URL/);
  });
});
