import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblemsOf } from './testing/config-problems';
import { ConfigurationEnvSchema, EmbeddedEnvSchema, ServiceEnvSchema } from './env-schemas';
import { loadConfig } from './load-config';
import { resolveSecretFiles } from './secret-files';

const service = { KAFKA_BROKERS: '127.0.0.1:9092' };
const problemsOf = configProblemsOf;

describe('secret variables from files (X_FILE)', () => {
  let dir: string;
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wp-secret-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads X from X_FILE, trailing newline trimmed', () => {
    const cfg = loadConfig(ServiceEnvSchema, { ...service, DATABASE_URL_FILE: file('db', 'postgres://u:p@h/db\n') });
    expect(cfg.DATABASE_URL).toBe('postgres://u:p@h/db');
  });

  it('refuses X and X_FILE both set, naming the variable', () => {
    const problems = problemsOf(() => loadConfig(ServiceEnvSchema, { ...service, DATABASE_URL: 'postgres://a/b', DATABASE_URL_FILE: file('db', 'postgres://c/d') }));
    expect(problems).toEqual(['DATABASE_URL: set both DATABASE_URL and DATABASE_URL_FILE; set only one']);
  });

  it('names the variable of an unreadable or empty file, never the content', () => {
    // Run as root, a 0000 file is still readable: the refusal comes from an injected reader.
    const denied = (path: string): string => {
      if (path.endsWith('pw')) throw Object.assign(new Error('EACCES: permission denied, hunter2'), { code: 'EACCES' });
      return 'hunter2\n\n';
    };
    const { problems, env } = resolveSecretFiles({ KAFKA_SASL_PASSWORD_FILE: '/run/secrets/pw', SESSION_SECRET_FILE: '/run/secrets/empty' }, undefined, (p) => (p.endsWith('empty') ? '\n' : denied(p)));
    expect(problems).toEqual(['SESSION_SECRET_FILE: /run/secrets/empty is empty', 'KAFKA_SASL_PASSWORD_FILE: cannot read /run/secrets/pw (EACCES)']);
    expect(problems.join()).not.toContain('hunter2');
    expect(env).toEqual({});
    expect(problemsOf(() => loadConfig(ServiceEnvSchema, { ...service, DATABASE_URL_FILE: join(dir, 'missing') }))).toEqual([`DATABASE_URL_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`]);
  });

  it('leaves variables alone that name files for other reasons (TLS_KEY_FILE)', () => {
    const { env } = resolveSecretFiles({ TLS_KEY_FILE: '/no/such/file' });
    expect(env).toEqual({ TLS_KEY_FILE: '/no/such/file' });
  });

  it('resolves only the secrets the schema reads: the embedded default ignores a Kafka password file', () => {
    expect(() => loadConfig(EmbeddedEnvSchema, { KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing'), KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer' })).not.toThrow();
    const key = `wpk_${'a'.repeat(12)}_${'B'.repeat(43)}`;
    const cfg = loadConfig(ConfigurationEnvSchema, { CONFIG_SECRET_KEY_FILE: file('k', `${randomBytes(32).toString('base64')}\n`), API_ADMIN_KEY_FILE: file('a', key) });
    expect(cfg.API_ADMIN_KEY).toBe(key);
  });
});
