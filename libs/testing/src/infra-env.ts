import { readFileSync } from 'node:fs';
import { join } from 'node:path';
/**
 * Where the real broker and database of the integration and end-to-end tiers are. Both are
 * started by tools/infra/with-infra.sh (npm test does that); a test run without them fails
 * loudly instead of silently testing less.
 */
export function infraFromEnv(): { kafkaBrokers: string; databaseUrl: string } {
  const kafkaBrokers = process.env['KAFKA_BROKERS'];
  const databaseUrl = process.env['DATABASE_URL'];
  if (!kafkaBrokers || !databaseUrl) {
    throw new Error('KAFKA_BROKERS and DATABASE_URL are not set: run the tests through `npm test` (tools/infra/with-infra.sh starts Kafka and PostgreSQL).');
  }
  return { kafkaBrokers, databaseUrl };
}

/** The secured listeners of the test broker (tools/infra/kafka.sh, KAFKA_SECURED): SASL_SSL, SSL with client certificates, and their TLS material. */
export function securedKafkaFromEnv(): { saslSsl: string; ssl: string; file: (name: string) => string; password: (user: string) => string } {
  const saslSsl = process.env['WORKPOINT_TEST_KAFKA_SASL_SSL_BROKERS'];
  const ssl = process.env['WORKPOINT_TEST_KAFKA_SSL_BROKERS'];
  const dir = process.env['WORKPOINT_TEST_KAFKA_TLS_DIR'];
  if (!saslSsl || !ssl || !dir) throw new Error('no secured Kafka listener: run through tools/infra/with-infra.sh (KAFKA_SECURED must not be false)');
  return { saslSsl, ssl, file: (name) => join(dir, name), password: (user) => readFileSync(join(dir, `${user}.password`), 'utf8') };
}
