import { request } from 'node:http';
import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { defineTopic } from '@workpoint/contracts';
import { ClassifiedFailure, KafkaBus } from '@workpoint/messaging';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { startHealthApp } from '../health-server';
import { canListenOn } from './any-address';
import { ProcessLifecycle } from './process-lifecycle';

const infra = infraFromEnv();
const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };
const health = { checkTimeoutMs: 1000, brokerCacheMs: 0 };

function get(port: number, path: string, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as { port: number }).port;

function kafkaBus(brokers: string[], logger: ReturnType<typeof capturingLogger>['logger']): KafkaBus {
  return new KafkaBus({ brokers, clientId: randomId('health'), partitions: 1, replicationFactor: 1, partitionsConsumedConcurrently: 1, sessionTimeoutMs: 6000, policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 } }, logger);
}

/** A port nothing listens on: a broker that is down. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** A service's HEALTH_PORT app on the real broker and the real PostgreSQL. */
describe('the health app of a distributed service', () => {
  const { logger, lines } = capturingLogger('health-int');
  const bus = kafkaBus(infra.kafkaBrokers.split(','), logger);
  const dataSource = new DataSource({ type: 'postgres', url: infra.databaseUrl, poolSize: 1 });
  const lifecycle = new ProcessLifecycle();
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    await dataSource.initialize();
    // Port 0: the OS chooses, as tests must not fight over ports.
    app = await startHealthApp(0, { bus, logger, dataSource, lifecycle, health }, quiet);
    port = portOf(app);
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  it('is alive but not ready while the process is still starting', async () => {
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
  });

  it('is ready once started, with the broker answering describeCluster and PostgreSQL SELECT 1', async () => {
    lifecycle.started();
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
  });

  it('listens on all interfaces, IPv6 and IPv4 (dual-stack ::) where the host has IPv6', async () => {
    const ipv6 = await canListenOn('::1');
    expect((app.getHttpServer().address() as { address: string }).address).toBe(ipv6 ? '::' : '0.0.0.0');
    expect(await get(port, '/healthz', '127.0.0.1')).toEqual({ status: 200, body: 'ok\n' });
    if (ipv6) expect(await get(port, '/healthz', '::1')).toEqual({ status: 200, body: 'ok\n' });
  });

  it('serves the process\'s metrics on /metrics, and 404 elsewhere', async () => {
    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('# TYPE workpoint_phone_requests_total counter');
    expect((await get(port, '/nothing-here')).status).toBe(404);
  });

  it('is not ready once the database cannot be queried, and does not close the data source itself', async () => {
    await app.close();
    expect(dataSource.isInitialized).toBe(true);
    app = await startHealthApp(0, { bus, logger, dataSource, lifecycle, health }, quiet);
    port = portOf(app);
    await dataSource.destroy();
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ msg: 'not ready', down: ['database'] }));
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('turns not ready the moment it drains (SIGTERM), and stays alive', async () => {
    await dataSource.initialize();
    expect((await get(port, '/readyz')).status).toBe(200);
    lifecycle.beginDrain();
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
    expect((await get(port, '/healthz')).status).toBe(200);
  });
});

describe('the health app while its broker cannot be reached', () => {
  const { logger } = capturingLogger('health-int');
  let bus: KafkaBus;
  const dataSource = new DataSource({ type: 'postgres', url: infra.databaseUrl, poolSize: 1 });
  let app: NestFastifyApplication;

  beforeAll(async () => {
    bus = kafkaBus([`127.0.0.1:${await closedPort()}`], logger);
    await dataSource.initialize();
    app = await startHealthApp(0, { bus, logger, dataSource, lifecycle: new ProcessLifecycle('running'), health }, quiet);
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await dataSource.destroy();
  });

  it('is not ready, and alive: a broker outage is no reason to restart the process', async () => {
    expect(await get(portOf(app), '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
    expect(await get(portOf(app), '/healthz')).toEqual({ status: 200, body: 'ok\n' });
  });
});

describe('the health app of a process whose consumer stopped for good', () => {
  const { logger, lines } = capturingLogger('health-int');
  const bus = kafkaBus(infra.kafkaBrokers.split(','), logger);
  const dataSource = new DataSource({ type: 'postgres', url: infra.databaseUrl, poolSize: 1 });
  const topic = defineTopic(`test.${randomId('crash')}.v1`, z.object({ n: z.number() }), 'test');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await dataSource.initialize();
    await bus.ensureTopics([topic]);
    app = await startHealthApp(0, { bus, logger, dataSource, lifecycle: new ProcessLifecycle('running'), health }, quiet);
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await dataSource.destroy();
  });

  it('fails liveness after kafkajs gives up on a consumer (CRASH without restart)', async () => {
    expect((await get(portOf(app), '/healthz')).status).toBe(200);
    // Forced: a non-retriable error escapes the batch (here from retryUntil, after a transient
    // failure), as kafkajs's own non-retriable failures (an authorization refused) do.
    await bus.subscribe({
      topic,
      groupId: randomId('crash'),
      fromBeginning: true,
      handle: async () => {
        throw new ClassifiedFailure('transient', 'test', new Error('database down (test)'));
      },
      retryUntil: () => {
        throw Object.assign(new Error('bug (test)'), { retriable: false });
      },
    });
    await bus.publish(topic, 'k', { n: 1 });
    await eventually(async () => ((await get(portOf(app), '/healthz')).status === 503 ? true : undefined));
    expect(await get(portOf(app), '/healthz')).toEqual({ status: 503, body: 'consumer stopped\n' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ msg: 'kafka consumer stopped for good; liveness now fails', restart: false }));
  });
});
