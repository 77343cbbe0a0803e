import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@workpoint/stack';

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
    if (app === 'configuration') expect(line.error).toMatch(/CONFIG_SECRET_KEY: required, not set/);
  });
});
