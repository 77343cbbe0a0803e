import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningStack, REPO_ROOT, startEmbedded } from '@workpoint/stack';
import { Client } from 'pg';

const bootFailure = (app: string, env: Record<string, string>) => {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', app, 'dist', 'main.js')], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  expect(run.status).toBe(1);
  const line = JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as { level?: string; msg?: string; error?: string };
  expect(line).toMatchObject({ level: 'error', msg: 'failed to start' });
  return line.error ?? '';
};

/** Configuration is validated once at boot: a bad environment stops the app with every problem named. */
describe.each(['gateway', 'inventory', 'configuration', 'deployment'])('%s boot', (app) => {
  it('refuses to start without its required configuration, naming each missing variable', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', app, 'dist', 'main.js')], {
      env: { PATH: process.env['PATH'] ?? '', KAFKA_BROKERS: 'not-a-host-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const line = JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as { level?: string; msg?: string; error?: string };
    expect(line).toMatchObject({ level: 'error', msg: 'failed to start' });
    expect(line.error).toMatch(/KAFKA_BROKERS: each broker must be host:port/);
    expect(line.error).toMatch(app === 'gateway' ? /SESSION_SECRET: required, not set/ : /DATABASE_URL: required, not set/);
    if (app === 'configuration' || app === 'deployment') expect(line.error).toMatch(/CONFIG_SECRET_KEY: required, not set/);
  });
});

describe('weak keys at boot', () => {
  it('refuses an all-zero CONFIG_SECRET_KEY and a low-entropy SESSION_SECRET, with every other problem', () => {
    const zeros = Buffer.alloc(32).toString('base64');
    for (const app of ['configuration', 'deployment']) {
      const error = bootFailure(app, { KAFKA_BROKERS: '127.0.0.1:9092', CONFIG_SECRET_KEY: zeros });
      expect(error).toMatch(/CONFIG_SECRET_KEY: is not random/);
      expect(error).toMatch(/DATABASE_URL: required, not set/);
    }
    expect(bootFailure('gateway', { KAFKA_BROKERS: '127.0.0.1:9092', TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', SESSION_SECRET: 'secretsecretsecretsecretsecret12' })).toMatch(
      /SESSION_SECRET: is not random enough/,
    );
  });
});

describe('embedded boot: secrets at rest', () => {
  let dir: string;
  let stack: RunningStack | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-boot-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const modeOf = (path: string) => statSync(path).mode & 0o777;
  const connect = async (port: number, password: string) => {
    const client = new Client({ host: '127.0.0.1', port, user: 'workpoint', password, database: 'workpoint' });
    await client.connect();
    return client;
  };

  it('refuses a key file that others can read, naming the file and the fix, before starting anything', () => {
    const dataDir = join(dir, 'open-key');
    mkdirSync(join(dataDir, 'tls'), { recursive: true });
    const keyFile = join(dataDir, 'tls', 'gateway-key.pem');
    writeFileSync(join(dataDir, 'tls', 'gateway-cert.pem'), 'not used');
    writeFileSync(keyFile, 'not used');
    chmodSync(keyFile, 0o644);
    const error = bootFailure('embedded', { WORKPOINT_DATA_DIR: dataDir });
    expect(error).toContain(`${keyFile}: key file is readable by group or others (mode 0644); run \`chmod 600 ${keyFile}\``);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });

  it('keeps its data directory private, its key files 0600 and its database password random; an older data directory gets one too', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    stack = await startEmbedded({ dataDir });
    expect(modeOf(dataDir) & 0o076).toBe(0); // 0700 (0701 as root: the postgres OS user walks through)
    for (const file of ['session-secret', 'config-secret-key', 'api-admin-key', 'postgres-password', 'tls/gateway-key.pem']) {
      expect([file, modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
    }
    const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const port = stack.ports!.postgres;
    await expect(connect(port, 'workpoint')).rejects.toMatchObject({ code: '28P01' });

    // Make it look like a data directory of an older version: the fixed password, no password file.
    const client = await connect(port, password);
    await client.query("ALTER ROLE workpoint PASSWORD 'workpoint'");
    await client.end();
    await stack.stop();
    rmSync(join(dataDir, 'postgres-password'));
    stack = await startEmbedded({ dataDir });
    const replaced = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
    expect(replaced).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(existsSync(join(dataDir, 'postgres-password.new'))).toBe(false);
    await expect(connect(stack.ports!.postgres, 'workpoint')).rejects.toMatchObject({ code: '28P01' });
    const again = await connect(stack.ports!.postgres, replaced);
    expect((await again.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.end();
    const log = readFileSync(join(dataDir, 'logs', 'embedded.log'), 'utf8');
    expect(log).not.toContain(password);
    expect(log).not.toContain(replaced);
  });
});

