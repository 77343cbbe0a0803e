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
