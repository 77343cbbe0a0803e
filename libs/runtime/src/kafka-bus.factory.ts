import { type KafkaClientSecurity, kafkaClientSecurityFrom, type ServiceEnv } from '@workpoint/config';
import type { Logger } from '@workpoint/logging';
import { type DeliveryObserver, type DeliveryPolicy, KafkaBus, type KafkaBusOptions } from '@workpoint/messaging';
import { KafkaOAuthTokenProvider } from './kafka-oauth.token-provider';

type KafkaEnv = Pick<
  ServiceEnv,
  | 'KAFKA_BROKERS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_TOPIC_PARTITIONS'
  | 'KAFKA_REPLICATION_FACTOR'
  | 'KAFKA_PARTITIONS_CONCURRENTLY'
  | 'KAFKA_CREATE_TOPICS'
  | 'HANDLER_ATTEMPTS'
  | 'TRANSIENT_RETRY_MAX_DELAY_MS'
  | 'DEAD_LETTER_MAX_BYTES'
> &
  Parameters<typeof kafkaClientSecurityFrom>[0];

/** The process's Kafka bus; security problems (files, missing credentials) fail the boot here with a ConfigError. */
export function createKafkaBus(env: KafkaEnv, name: string, logger: Logger, observer?: DeliveryObserver): KafkaBus {
  const security = kafkaClientSecurityFrom(env, (message, fields) => logger.warn(message, fields));
  return new KafkaBus(
    {
      brokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-${name}`,
      partitions: env.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONCURRENTLY,
      createTopics: env.KAFKA_CREATE_TOPICS,
      policy: deliveryPolicyFrom(env),
      ...kafkaClientOptionsFrom(security),
      ...(observer ? { observer } : {}),
    },
    logger,
  );
}

/** kafkajs's TLS and SASL options from the checked settings. */
export function kafkaClientOptionsFrom(security: KafkaClientSecurity): Pick<KafkaBusOptions, 'ssl' | 'sasl'> {
  const { tls, sasl } = security;
  const ssl = tls ? { ssl: { ...tls } } : {};
  if (!sasl) return ssl;
  switch (sasl.mechanism) {
    case 'scram-sha-256':
    case 'scram-sha-512':
      return { ...ssl, sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } };
    case 'oauthbearer':
      return { ...ssl, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: new KafkaOAuthTokenProvider(sasl).provide } };
  }
}

/** The delivery policy of either bus, from the validated settings. */
export function deliveryPolicyFrom(env: Pick<ServiceEnv, 'HANDLER_ATTEMPTS' | 'TRANSIENT_RETRY_MAX_DELAY_MS' | 'DEAD_LETTER_MAX_BYTES'>): DeliveryPolicy {
  return { attempts: env.HANDLER_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2000, transientMaxDelayMs: env.TRANSIENT_RETRY_MAX_DELAY_MS, deadLetterMaxBytes: env.DEAD_LETTER_MAX_BYTES };
}
