import { randomBytes } from 'node:crypto';
import { ConfigError } from './config.error';
import { GatewayEnvSchema, ServiceEnvSchema } from './env-schemas';
import { loadConfig } from './load-config';

const service = { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9093', DATABASE_URL: 'postgres://u:p@h:5432/db' };

describe('loadConfig', () => {
  it('parses and defaults a valid service environment', () => {
    const cfg = loadConfig(ServiceEnvSchema, service);
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9093']);
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.DATABASE_POOL_SIZE).toBe(10);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig(ServiceEnvSchema, { KAFKA_BROKERS: 'nohostport', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/KAFKA_BROKERS/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('treats empty variables as unset and requires the gateway secrets', () => {
    expect(() => loadConfig(GatewayEnvSchema, { ...service, TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', SESSION_SECRET: '' })).toThrow(
      /SESSION_SECRET: required, not set/,
    );
    expect(() => loadConfig(GatewayEnvSchema, { ...service, TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', SESSION_SECRET: 'short' })).toThrow(
      /at least 32/,
    );
    const cfg = loadConfig(GatewayEnvSchema, { ...service, TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', SESSION_SECRET: randomBytes(32).toString('hex') });
    expect(cfg.GATEWAY_PORT).toBe(18443);
    expect(cfg.ANSWER_TIMEOUT_MS).toBe(8000);
  });
});
