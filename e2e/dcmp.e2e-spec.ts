import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationPendingJobsTopic, DeploymentPendingJobsTopic, type PendingJobs, type TopicContract } from '@workpoint/contracts';
import { KafkaBus } from '@workpoint/messaging';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { capturingLogger, eventually, infraFromEnv, randomId, randomMac } from '@workpoint/testing';

/**
 * DCMP polling (protocol.md §2.6, §6.13) end to end: the gateways' plain-HTTP port answers from
 * the pending-jobs topics. Here the test publishes the counts itself, as the configuration and
 * deployment services do, so what is checked is the gateways' side of that contract.
 */
const infra = infraFromEnv();

function status(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The phone's poll, its MAC with colons as the DCMP wiki shows it. */
const poll = (base: string, mac: string) => status(`${base}/dcmp/contact-me?device-id=${mac}`);

/** Until every gateway answers the poll with `expected`. */
function allAnswer(stack: RunningStack, mac: string, expected: number): Promise<true> {
  return eventually(async () => ((await Promise.all(stack.dcmpUrls.map((u) => poll(u, mac)))).every((s) => s === expected) ? true : undefined), 30_000, 100);
}

describe('DCMP polling, distributed mode', () => {
  const { logger } = capturingLogger('e2e-dcmp');
  const services = new KafkaBus({ brokers: infra.kafkaBrokers.split(','), clientId: randomId('e2e-dcmp'), partitions: 12, replicationFactor: 1, partitionsConsumedConcurrently: 1 }, logger);
  const runId = randomId('dcmp');
  const queuedBeforeStart = randomMac();
  let stack: RunningStack;

  const publish = (topic: TopicContract<PendingJobs>, mac: string, queued: number) => services.publish(topic, mac, { mac, queued, at: new Date().toISOString() });
  const start = () => startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 2, runId });

  beforeAll(async () => {
    await services.ensureTopics([ConfigurationPendingJobsTopic, DeploymentPendingJobsTopic]);
    await publish(DeploymentPendingJobsTopic, queuedBeforeStart, 1);
    stack = await start();
  });
  afterAll(async () => {
    await stack?.stop();
    await services.close();
  });

  it('knows, at every gateway, the jobs queued before it started', async () => {
    expect(stack.dcmpUrls).toHaveLength(2);
    await allAnswer(stack, queuedBeforeStart, 202);
  });

  it('answers 202 at every gateway while either service has a job queued, and 200 once none has', async () => {
    const mac = randomMac();
    expect(await Promise.all(stack.dcmpUrls.map((u) => poll(u, mac)))).toEqual([200, 200]);
    await publish(ConfigurationPendingJobsTopic, mac, 2);
    await allAnswer(stack, mac, 202);
    await publish(ConfigurationPendingJobsTopic, mac, 0);
    await allAnswer(stack, mac, 200);
    await publish(DeploymentPendingJobsTopic, mac, 1);
    await allAnswer(stack, mac, 202);
    await publish(DeploymentPendingJobsTopic, mac, 0);
    await allAnswer(stack, mac, 200);
  });

  it('accepts the MAC in lower case and without separators', async () => {
    await allAnswer(stack, queuedBeforeStart.toLowerCase(), 202);
    await allAnswer(stack, queuedBeforeStart.replace(/:/g, ''), 202);
  });

  it.each([
    ['a poll without device-id', 400, '/dcmp/contact-me', 'GET'],
    ['another path', 404, '/dcmp/other?device-id=00:1A:E8:00:00:01', 'GET'],
    ['a POST', 405, '/dcmp/contact-me?device-id=00:1A:E8:00:00:01', 'POST'],
    ['/healthz', 200, '/healthz', 'GET'],
  ])('answers %s with %i', async (_name, expected, path, method) => {
    expect(await status(`${stack.dcmpUrls[0]}${path}`, method)).toBe(expected);
  });

  it('rebuilds its view when the same gateway instances restart', async () => {
    await stack.stop();
    stack = await start();
    await allAnswer(stack, queuedBeforeStart, 202);
  });
});

describe('DCMP polling, embedded mode', () => {
  let stack: RunningStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-dcmp-'));
    stack = await startEmbedded({ dataDir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves DCMP on its own port: 200 for a phone with nothing queued, 400 without device-id, /healthz', async () => {
    expect(stack.dcmpUrls).toHaveLength(1);
    const base = stack.dcmpUrls[0]!;
    expect(await poll(base, randomMac())).toBe(200);
    expect(await status(`${base}/dcmp/contact-me`)).toBe(400);
    expect(await status(`${base}/healthz`)).toBe(200);
  });
});
