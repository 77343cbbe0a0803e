import type { ContactEvent } from '@workpoint/contracts';
import { KafkaBus } from '@workpoint/messaging';
import { capturingLogger, eventually, infraFromEnv, randomId, randomMac, rawHttps } from '@workpoint/testing';
import { buildWorkpointMessage, DEFAULT_SCAN_LIMITS, maxAcceptedBody, parseDlsMessage, parseWorkpointMessage } from '@workpoint/wpi-codec';
import { generate } from 'selfsigned';
import type { GatewayService } from './gateway.service';
import { answerAsServices, gatewayTestSettings, createTestGateway } from './testing/gateway-test-doubles';

const infra = infraFromEnv();
const { logger } = capturingLogger('gateway-int');
const newBus = () =>
  new KafkaBus(
    {
      brokers: infra.kafkaBrokers.split(','),
      clientId: randomId('gw'),
      partitions: 3,
      replicationFactor: 1,
      partitionsConsumedConcurrently: 3,
      sessionTimeoutMs: 10_000,
      policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    },
    logger,
  );

/**
 * Two gateway instances on the real broker, each with its own bus (as two processes), and a
 * stand-in for the services that answers ReadAllItems to a start-up and CleanUp to a reply.
 */
describe('two gateway instances on a real broker', () => {
  const buses = [newBus(), newBus(), newBus()] as const;
  const gateways: GatewayService[] = [];
  const closers: Array<() => Promise<void>> = [];
  const contacts: ContactEvent[] = [];
  const url = (g: GatewayService) => `https://127.0.0.1:${g.port}/DeploymentService/LoginService`;

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
    for (const bus of buses.slice(0, 2)) {
      const gateway = await createTestGateway(bus, logger, gatewayTestSettings(pems, { gatewayId: randomId('gw'), answerTimeoutMs: 20_000, nonceWaitMs: 200, parseWorkers: 1 }));
      await gateway.start();
      gateways.push(gateway.service);
      closers.push(gateway.close);
    }
    await answerAsServices(buses[2], randomId('services'), contacts);
  }, 120_000);

  afterAll(async () => {
    for (const close of closers) await close();
    for (const bus of buses) await bus.close();
  });

  it('parses a maximum-size reply in its parse worker and publishes every item; a spoilt one gets the 400 of the inline parse', async () => {
    const [one] = gateways as [GatewayService];
    const mac = randomMac();
    const nonce = randomId('n').replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    const startUp = await rawHttps(url(one), { body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: mac }] }) });
    const cookie = (startUp.headers['set-cookie'] as string[])[0]!.split(';')[0]!;
    const large = maxAcceptedBody({ maxBodyBytes: 128 * 1024, scanLimits: DEFAULT_SCAN_LIMITS }, nonce).toString('ascii');

    const answered = await rawHttps(url(one), { body: large, headers: { Cookie: cookie } });
    expect(parseDlsMessage(answered.body)).toMatchObject({ nonce, action: 'CleanUp' });
    const published = contacts.filter((c) => c.mac === mac && c.message.reason === 'reply-to');
    expect(published).toHaveLength(1);
    expect(published[0]!.message.items).toEqual(parseWorkpointMessage(large).items);

    const spoilt = await rawHttps(url(one), { body: large.replace('</ItemList>', '</ItemLis>'), headers: { Cookie: cookie } });
    expect(spoilt.status).toBe(400);
    expect(spoilt.body).toMatch(/^malformed-xml: not well-formed XML at line 2, column \d+: Expected closing tag 'ItemList'/);
  });

  it('refuses, on instance 2, the cookie and the nonce of an interaction that ended on instance 1', async () => {
    const [one, two] = gateways as [GatewayService, GatewayService];
    const mac = randomMac();
    const nonce = randomId('n').replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    const reply = () =>
      buildWorkpointMessage({ nonce, maxItems: -1, reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: [] });

    const startUp = await rawHttps(url(one), { body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: mac }] }) });
    expect(parseDlsMessage(startUp.body).action).toBe('ReadAllItems');
    const cookie = (startUp.headers['set-cookie'] as string[])[0]!.split(';')[0]!;
    const interactionId = contacts.find((c) => c.mac === mac)!.interactionId;
    // Instance 2 learned the nonce, bound to the address the phone spoke from.
    await eventually(async () => (two.nonces.find(nonce, '127.0.0.1').kind === 'found' ? true : undefined), 30_000, 50);
    expect(two.nonces.find(nonce, '127.0.0.2').kind).toBe('unknown');

    const last = await rawHttps(url(one), { body: reply(), headers: { Cookie: cookie } });
    expect(parseDlsMessage(last.body).action).toBe('CleanUp');
    await eventually(async () => (two.nonces.ended.has(interactionId) ? true : undefined), 30_000, 50);
    expect(two.nonces.find(nonce, '127.0.0.1').kind).toBe('unknown');

    const stale = await rawHttps(url(two), { body: reply(), headers: { Cookie: cookie } });
    expect(stale.status).toBe(200);
    expect(parseDlsMessage(stale.body)).toMatchObject({ nonce, action: 'CleanUp', items: [] });
    expect(stale.headers['set-cookie']).toBeUndefined();
    expect(contacts.filter((c) => c.mac === mac)).toHaveLength(2);
  });
});
