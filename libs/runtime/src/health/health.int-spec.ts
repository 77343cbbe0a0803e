import { request } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Bus } from '@workpoint/messaging';
import { capturingLogger, infraFromEnv } from '@workpoint/testing';
import { DataSource } from 'typeorm';
import { startHealthApp } from '../health-server';
import { canListenOn } from './any-address';

const infra = infraFromEnv();

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

/** A service's HEALTH_PORT app on the real PostgreSQL: readiness follows the bus and `SELECT 1`. */
describe('the health app of a distributed service', () => {
  const { logger } = capturingLogger('health-int');
  let busUp = true;
  const bus = { healthy: () => busUp } as Bus;
  const dataSource = new DataSource({ type: 'postgres', url: infra.databaseUrl, poolSize: 1 });
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    await dataSource.initialize();
    // Port 0: the OS chooses, as tests must not fight over ports.
    app = await startHealthApp(0, { bus, logger, dataSource }, { log: () => undefined, error: () => undefined, warn: () => undefined });
    port = (app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  it('is alive and ready while the bus is up and PostgreSQL answers', async () => {
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
  });

  it('is not ready while the bus is down, and alive all the same', async () => {
    busUp = false;
    try {
      expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
      expect((await get(port, '/healthz')).status).toBe(200);
    } finally {
      busUp = true;
    }
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
    app = await startHealthApp(0, { bus, logger, dataSource }, { log: () => undefined, error: () => undefined, warn: () => undefined });
    port = (app.getHttpServer().address() as { port: number }).port;
    await dataSource.destroy();
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready\n' });
  });
});
