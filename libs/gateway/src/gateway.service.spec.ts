import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigurationPendingJobsTopic, DeploymentPendingJobsTopic, SessionClosedTopic, SessionOpenedTopic, type TopicContract } from '@workpoint/contracts';
import { type Bus, InProcessBus } from '@workpoint/messaging';
import { capturingLogger, eventually, rawHttps } from '@workpoint/testing';
import { buildWorkpointMessage, parseDlsMessage } from '@workpoint/wpi-codec';
import { generate } from 'selfsigned';
import type { GatewayService } from './gateway.service';
import { SessionCookies } from './session-cookie';
import { createTestGateway, gatewayTestSettings, type TestGateway } from './testing/gateway-test-doubles';

const MAC = '00:1A:E8:00:00:01';

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The gateway as the embedded mode composes it: the in-process bus, the same subscriptions as
 * on Kafka. The bus is wrapped to see what the service asks of it, and when.
 */
describe('GatewayService on the in-process bus', () => {
  const { logger } = capturingLogger();
  const bus = new InProcessBus(logger);
  const ensured: string[] = [];
  const subscribed: Array<{ topic: string; groupId: string; portsOpenAtSubscribe: boolean }> = [];
  let service: GatewayService;
  let gateway: TestGateway;
  const recording: Bus = {
    publish: <T>(topic: TopicContract<T>, key: string, value: T, headers?: Record<string, string>) => bus.publish(topic, key, value, headers),
    subscribe: (subscription) => {
      subscribed.push({ topic: subscription.topic.name, groupId: subscription.groupId, portsOpenAtSubscribe: service.port !== undefined || gateway.dcmpPort !== undefined });
      return bus.subscribe(subscription);
    },
    ensureTopics: async (topics) => void ensured.push(...topics.map((t) => t.name)),
    reachable: () => bus.reachable(),
    live: () => bus.live(),
    stopConsuming: () => bus.stopConsuming(),
    close: () => bus.close(),
  };
  const dcmp = (mac: string) => `http://127.0.0.1:${gateway.dcmpPort}/dcmp/contact-me?device-id=${mac}`;
  const pending = (topic: typeof ConfigurationPendingJobsTopic, queued: number) => bus.publish(topic, MAC, { mac: MAC, queued, at: new Date().toISOString() });

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
    gateway = await createTestGateway(recording, logger, gatewayTestSettings(pems));
    service = gateway.service;
    await gateway.start();
  }, 30_000);
  afterAll(() => bus.close());

  it('ensures the topics it consumes and produces, the views\' included', () => {
    expect(ensured).toEqual(expect.arrayContaining([ConfigurationPendingJobsTopic.name, DeploymentPendingJobsTopic.name, SessionOpenedTopic.name, SessionClosedTopic.name]));
  });

  it('subscribes its views, each in a group of its own instance, before any port opens', () => {
    const views = subscribed.filter((s) => s.groupId.startsWith('workpoint-gateway-gw-unit-views-'));
    expect(views.map((s) => s.topic).sort()).toEqual(
      [ConfigurationPendingJobsTopic.name, DeploymentPendingJobsTopic.name, SessionOpenedTopic.name, SessionClosedTopic.name].sort(),
    );
    expect(new Set(views.map((s) => s.groupId)).size).toBe(4);
    expect(subscribed.every((s) => !s.portsOpenAtSubscribe)).toBe(true);
  });

  it('answers DCMP polls from what the services publish', async () => {
    const answers = (expected: number) => eventually(async () => ((await status(dcmp(MAC))) === expected ? true : undefined), 5000, 10);
    expect(await status(dcmp(MAC))).toBe(200);
    await pending(ConfigurationPendingJobsTopic, 2);
    await answers(202);
    await pending(DeploymentPendingJobsTopic, 1);
    await pending(ConfigurationPendingJobsTopic, 0);
    await eventually(async () => (service.pendingJobs.countsOf(MAC)?.configuration === 0 ? true : undefined), 5000, 10);
    expect(await status(dcmp(MAC))).toBe(202);
    await pending(DeploymentPendingJobsTopic, 0);
    await answers(200);
    expect(service.pendingJobs.size).toBe(0);
  });

  it('refuses the cookie and forgets the nonce of an interaction another instance ended', async () => {
    const interactionId = '6f1c2a3e-1b2c-4d5e-8f90-123456789abc';
    const nonce = 'C0FFEE00C0FFEE00';
    const at = new Date().toISOString();
    await bus.publish(SessionOpenedTopic, MAC, { mac: MAC, nonce, interactionId, gatewayId: 'gw-elsewhere', at, remoteAddress: '127.0.0.1' });
    await eventually(async () => (service.nonces.find(nonce, '127.0.0.1').kind === 'found' ? true : undefined), 5000, 10);
    await bus.publish(SessionClosedTopic, MAC, { mac: MAC, interactionId, gatewayId: 'gw-elsewhere', at });
    await eventually(async () => (service.nonces.find(nonce, '127.0.0.1').kind === 'unknown' ? true : undefined), 5000, 10);

    // The interaction's own cookie, as the other instance issued it: no longer a session here.
    const cookie = `JSESSIONID=${new SessionCookies('s'.repeat(32), 600).issue({ mac: MAC, interactionId })}`;
    const reply = await rawHttps(`https://127.0.0.1:${service.port}/DeploymentService/LoginService`, {
      body: buildWorkpointMessage({ nonce, maxItems: -1, reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: [] }),
      headers: { Cookie: cookie },
    });
    expect(reply.status).toBe(200);
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce, action: 'CleanUp', items: [] });
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('serves /healthz on both ports', async () => {
    expect(await status(`http://127.0.0.1:${gateway.dcmpPort}/healthz`)).toBe(200);
    expect(await status(`https://127.0.0.1:${service.port}/healthz`)).toBe(200);
  });

  it('serves /readyz on both ports while the bus is up', async () => {
    expect(await status(`http://127.0.0.1:${gateway.dcmpPort}/readyz`)).toBe(200);
    expect(await status(`https://127.0.0.1:${service.port}/readyz`)).toBe(200);
  });

  it('closes both ports on shutdown', async () => {
    const ports = [service.port, gateway.dcmpPort];
    await gateway.close();
    await expect(status(`http://127.0.0.1:${ports[1]}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(status(`https://127.0.0.1:${ports[0]}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
