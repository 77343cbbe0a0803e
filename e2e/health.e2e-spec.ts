import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppProcess, freePort, InfraKafka, InfraPostgres, REPO_ROOT, type RunningStack, startDistributed } from '@workpoint/stack';
import { eventually, infraFromEnv, randomMac, rawHttps } from '@workpoint/testing';
import { buildWorkpointMessage, parseDlsMessage } from '@workpoint/wpi-codec';

/**
 * Honest health and graceful shutdown of the distributed processes, on the real broker and the
 * real PostgreSQL of tools/infra: a broker outage shows as not ready (and not as dead), SIGTERM
 * lets the phone in flight get its real answer, and a service started before PostgreSQL
 * becomes ready once it comes up.
 */
const infra = infraFromEnv();

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { rejectUnauthorized: false, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const livenessOf = (readyUrl: string) => readyUrl.replace(/\/readyz$/, '/healthz');
const startUp = (mac: string) => buildWorkpointMessage({ nonce: randomBytes(16).toString('hex').toUpperCase(), maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: mac }] });
const logged = (p: AppProcess, text: string) => readFileSync(p.logFile, 'utf8').includes(text);

describe('honest health and graceful shutdown, distributed', () => {
  let stack: RunningStack;
  const proc = (name: string) => stack.processes.find((p) => p.name === name)!;

  beforeAll(async () => {
    stack = await startDistributed({
      kafkaBrokers: infra.kafkaBrokers,
      databaseUrl: infra.databaseUrl,
      // Debug: the gateway logs each phone message it received (the test waits for it).
      env: { LOG_LEVEL: 'debug', ANSWER_TIMEOUT_MS: '30000', SHUTDOWN_TIMEOUT_MS: '60000', READY_BROKER_CACHE_MS: '500', READY_CHECK_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('turns every process not ready while the broker is down, keeps them alive, and ready again once it is back', async () => {
    const probes = stack.processes.map((p) => p.probeUrl!);
    expect(await Promise.all(probes.map(status))).toEqual(probes.map(() => 200));
    const broker = new InfraKafka(infra.kafkaBrokers);
    await broker.kill();
    try {
      await eventually(async () => ((await Promise.all(probes.map(status))).every((s) => s === 503) ? true : undefined), 20_000);
      expect(await Promise.all(probes.map((u) => status(livenessOf(u))))).toEqual(probes.map(() => 200));
    } finally {
      await broker.restart();
    }
    await eventually(async () => ((await Promise.all(probes.map(status))).every((s) => s === 200) ? true : undefined), 120_000);
    // The outage was transient: no consumer stopped for good.
    expect(await Promise.all(probes.map((u) => status(livenessOf(u))))).toEqual(probes.map(() => 200));
  });

  it('on SIGTERM answers the phone in flight for real, refuses new connections, and exits 0 before its deadline', async () => {
    const inventory = proc('inventory');
    const gateway = proc('gateway-1');
    const mac = randomMac();
    // Inventory frozen: the exchange stays in flight until the test lets it go on.
    process.kill(inventory.pid!, 'SIGSTOP');
    let stopped: Promise<void> | undefined;
    try {
      const answer = rawHttps(stack.urls[0]!, { body: startUp(mac) });
      await eventually(async () => (logged(gateway, `"mac":"${mac}"`) ? true : undefined));
      stopped = gateway.stop(120_000);
      // Not ready at once, and a new connection is refused (the phone calls another instance).
      await eventually(async () =>
        rawHttps(stack.urls[0]!, { body: startUp(randomMac()) }).then(
          () => undefined,
          (error: unknown) => (/ECONNREFUSED/.test(String(error)) ? true : undefined),
        ),
      );
      process.kill(inventory.pid!, 'SIGCONT');
      const res = await answer;
      expect(res.status).toBe(200);
      // The services' real answer (ReadAllItems for a phone never seen), not CleanUp overload.
      expect(parseDlsMessage(res.body).action).toBe('ReadAllItems');
    } finally {
      process.kill(inventory.pid!, 'SIGCONT');
    }
    await stopped;
    expect(gateway.exitCode).toBe(0);
    expect(logged(gateway, 'phone edge drained')).toBe(true);
    expect(logged(gateway, 'shutdown deadline passed')).toBe(false);
  });

  it('keeps a service started before PostgreSQL alive and retrying, and makes it ready once PostgreSQL is up', async () => {
    const postgres = new InfraPostgres(infra.databaseUrl);
    const port = await freePort();
    const ready = `http://127.0.0.1:${port}/readyz`;
    await postgres.kill();
    let late: AppProcess | undefined;
    try {
      late = AppProcess.spawn(
        'deployment-late',
        'deployment',
        { KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl, HEALTH_PORT: String(port), CONFIG_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info' },
        // A log of its own per run: the test reads it for the retry line.
        join(REPO_ROOT, 'tmp', 'stack', `health-e2e-${randomBytes(3).toString('hex')}`),
      );
      await eventually(async () => (logged(late!, 'open the database: not possible yet; retrying') ? true : undefined));
      expect(await status(livenessOf(ready))).toBe(200);
      expect(await status(ready)).toBe(503);
      expect(late.running).toBe(true);
    } catch (error) {
      await late?.stop();
      throw error;
    } finally {
      await postgres.restart();
    }
    try {
      await late!.waitReady(ready, 120_000);
      expect(logged(late!, 'open the database: done after')).toBe(true);
    } finally {
      // Stopped whatever the outcome: no process is left behind.
      await late?.stop(120_000);
    }
    expect(late!.exitCode).toBe(0);
  });
});
