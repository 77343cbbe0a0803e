import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblemsOf } from './testing/config-problems';
import { ServiceEnvSchema } from './env-schemas';
import { kafkaClientSecurityFrom } from './kafka-security';
import { loadConfig } from './load-config';

const base = { KAFKA_BROKERS: 'kafka.carrier.example:9093', DATABASE_URL: 'postgres://u:p@h/db' };
const securityOf = (env: Record<string, string>) => kafkaClientSecurityFrom(loadConfig(ServiceEnvSchema, { ...base, ...env }));
const problemsOf = (env: Record<string, string>): string[] => configProblemsOf(() => securityOf(env));

describe('Kafka client security from settings', () => {
  let dir: string;
  const file = (name: string, content: string, mode = 0o600): string => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode });
    return path;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wp-kafka-sec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is plaintext without SASL by default, and creates topics', () => {
    expect(securityOf({})).toEqual({});
    expect(loadConfig(ServiceEnvSchema, base).KAFKA_CREATE_TOPICS).toBe(true);
    expect(loadConfig(ServiceEnvSchema, { ...base, KAFKA_CREATE_TOPICS: 'false' }).KAFKA_CREATE_TOPICS).toBe(false);
  });

  it('reads the CA, client certificate and key for mTLS, with a server name', () => {
    const security = securityOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file('ca.pem', 'CA'), KAFKA_SSL_CERT_FILE: file('c.pem', 'CERT'), KAFKA_SSL_KEY_FILE: file('k.pem', 'KEY'), KAFKA_SSL_SERVERNAME: 'kafka.internal' });
    expect(security.tls).toEqual({ ca: [Buffer.from('CA')], cert: Buffer.from('CERT'), key: Buffer.from('KEY'), servername: 'kafka.internal' });
    expect(Object.keys(security.tls ?? {})).not.toContain('rejectUnauthorized');
  });

  it('takes SCRAM credentials, the password from a file', () => {
    const security = securityOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'workpoint', KAFKA_SASL_PASSWORD_FILE: file('pw', 's3cret\n') });
    expect(security).toEqual({ tls: {}, sasl: { mechanism: 'scram-sha-512', username: 'workpoint', password: 's3cret' } });
  });

  it('takes the OAuth client-credentials settings for oauthbearer', () => {
    const security = securityOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'https://idp.example/token', KAFKA_OAUTH_CLIENT_ID: 'wp', KAFKA_OAUTH_CLIENT_SECRET: 'x', KAFKA_OAUTH_SCOPE: 'kafka' });
    expect(security.sasl).toEqual({ mechanism: 'oauthbearer', tokenUrl: 'https://idp.example/token', clientId: 'wp', clientSecret: 'x', scope: 'kafka' });
  });

  it.each([
    [{ KAFKA_SSL_CA_FILE: '/ca.pem' }, 'KAFKA_SSL_CA_FILE: set, but KAFKA_SSL is not true'],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/c.pem' }, 'KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both'],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD: required by KAFKA_SASL_MECHANISM=scram-sha-256'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: set, but KAFKA_SASL_MECHANISM is not'],
    [{ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'https://idp/t', KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's' }, 'KAFKA_SASL_MECHANISM=oauthbearer: needs KAFKA_SSL=true (the token would cross the network in clear)'],
    [{ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_CLIENT_ID: 'c' }, 'KAFKA_OAUTH_TOKEN_URL, KAFKA_OAUTH_CLIENT_SECRET: required by KAFKA_SASL_MECHANISM=oauthbearer'],
  ])('refuses %j at boot', (env, problem) => {
    expect(problemsOf(env)[0]).toBe(problem);
  });

  it('names an unreadable file and a key file open to others, never its content', () => {
    const problems = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem'), KAFKA_SSL_CERT_FILE: file('c.pem', 'CERT'), KAFKA_SSL_KEY_FILE: file('k.pem', 'PRIVATE', 0o644) });
    expect(problems[0]).toBe(`KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`);
    expect(problems[1]).toMatch(/^KAFKA_SSL_KEY_FILE: .*readable by group or others/);
    expect(problems.join()).not.toContain('PRIVATE');
  });

  it('refuses anything but a boolean for KAFKA_SSL and an http(s) token URL', () => {
    expect(() => loadConfig(ServiceEnvSchema, { ...base, KAFKA_SSL: 'maybe' })).toThrow(/KAFKA_SSL/);
    expect(() => loadConfig(ServiceEnvSchema, { ...base, KAFKA_OAUTH_TOKEN_URL: 'ftp://idp/token' })).toThrow(/KAFKA_OAUTH_TOKEN_URL/);
  });
});
