import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { loadConfig, ServiceEnvSchema } from '@workpoint/config';
import { defineTopic } from '@workpoint/contracts';
import { classifyFailure, ClassifiedFailure, type KafkaBus } from '@workpoint/messaging';
import { capturingLogger, eventually, infraFromEnv, randomId, securedKafkaFromEnv } from '@workpoint/testing';
import { createKafkaBus } from './kafka-bus.factory';

const broker = securedKafkaFromEnv();
const { logger } = capturingLogger('kafka-security-int');
const base = { DATABASE_URL: infraFromEnv().databaseUrl, KAFKA_TOPIC_PARTITIONS: '2', KAFKA_CLIENT_ID: randomId('sec') };
const busFrom = (env: Record<string, string>): KafkaBus => createKafkaBus(loadConfig(ServiceEnvSchema, { ...base, ...env }), randomId('bus'), logger);

/** Produces over the bus and consumes it back through the same secured connection. */
async function roundTrip(env: Record<string, string>): Promise<number[]> {
  const topic = defineTopic(`test.${randomId('sec')}.v1`, z.object({ n: z.number().int() }), 'test');
  const bus = busFrom(env);
  try {
    await bus.ensureTopics([topic]);
    const seen: number[] = [];
    await bus.subscribe({ topic, groupId: randomId('sec'), fromBeginning: true, handle: async ({ value }) => void seen.push(value.n) });
    for (const n of [1, 2, 3]) await bus.publish(topic, 'mac-1', { n });
    return await eventually(async () => (seen.length === 3 ? seen : undefined));
  } finally {
    await bus.close();
  }
}

const tls = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: broker.file('ca.pem') };

describe('KafkaBus against a secured broker', () => {
  it('produces and consumes over SASL_SSL with SCRAM-SHA-512, the password from a file', async () => {
    const env = { ...tls, KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scram512', KAFKA_SASL_PASSWORD_FILE: broker.file('scram512.password') };
    expect(await roundTrip(env)).toEqual([1, 2, 3]);
  });

  it('produces and consumes over SASL_SSL with SCRAM-SHA-256', async () => {
    const env = { ...tls, KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'scram256', KAFKA_SASL_PASSWORD: broker.password('scram256') };
    expect(await roundTrip(env)).toEqual([1, 2, 3]);
  });

  it('produces and consumes over TLS with a client certificate (mTLS)', async () => {
    const env = { ...tls, KAFKA_BROKERS: broker.ssl, KAFKA_SSL_CERT_FILE: broker.file('client.pem'), KAFKA_SSL_KEY_FILE: broker.file('client.key'), KAFKA_SSL_SERVERNAME: 'localhost' };
    expect(await roundTrip(env)).toEqual([1, 2, 3]);
  });

  describe('OAUTHBEARER with a client-credentials token endpoint', () => {
    let server: Server;
    const grants: string[] = [];
    const secret = randomId('client-secret');
    beforeAll(async () => {
      // Issues the unsecured JWS (alg none) the test broker's built-in validator accepts.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          grants.push(body);
          if (req.headers.authorization !== `Basic ${Buffer.from(`workpoint:${secret}`).toString('base64')}`) return void res.writeHead(401).end();
          const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `${part({ alg: 'none' })}.${part({ sub: 'workpoint-oauth', iat: now, exp: now + 600 })}.`, token_type: 'Bearer', expires_in: 600 }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('produces and consumes with a token fetched once and shared by every connection', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const env = { ...tls, KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: url, KAFKA_OAUTH_CLIENT_ID: 'workpoint', KAFKA_OAUTH_CLIENT_SECRET: secret, KAFKA_OAUTH_SCOPE: 'kafka' };
      expect(await roundTrip(env)).toEqual([1, 2, 3]);
      // Admin, producer and consumer connections: one grant.
      expect(grants).toEqual(['grant_type=client_credentials&scope=kafka']);
    });
  });

  it('refuses a wrong password at once with a permanent error that says what to check', async () => {
    const wrong = randomId('wrong');
    const bus = busFrom({ ...tls, KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scram512', KAFKA_SASL_PASSWORD: wrong });
    try {
      const error = await bus.ensureTopics([]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ClassifiedFailure);
      expect(classifyFailure(error)).toBe('permanent');
      expect((error as ClassifiedFailure).code).toBe('kafka-authentication-failed');
      expect((error as Error).message).toMatch(/^Kafka refused authentication \(SASL SCRAM-SHA-512\): check KAFKA_SASL_USERNAME/);
      expect((error as Error).message).not.toContain(wrong);
    } finally {
      await bus.close();
    }
  });

  it('does not trust a broker whose certificate no configured CA signed', async () => {
    const bus = busFrom({ KAFKA_SSL: 'true', KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scram512', KAFKA_SASL_PASSWORD: broker.password('scram512') });
    try {
      const error = await bus.ensureTopics([]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(classifyFailure(error)).toBe('permanent');
      expect((error as Error).message).toMatch(/^the Kafka broker's TLS certificate was not accepted: check KAFKA_SSL_CA_FILE .*(self[- ]signed|unable to verify|local issuer)/);
    } finally {
      await bus.close();
    }
  });
});
