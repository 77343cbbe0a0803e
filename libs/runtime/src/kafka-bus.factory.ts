import type { ServiceEnv } from '@workpoint/config';
import type { Logger } from '@workpoint/logging';
import { type DeliveryObserver, type DeliveryPolicy, KafkaBus } from '@workpoint/messaging';

type KafkaEnv = Pick<
  ServiceEnv,
  'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID' | 'KAFKA_TOPIC_PARTITIONS' | 'KAFKA_REPLICATION_FACTOR' | 'KAFKA_PARTITIONS_CONCURRENTLY' | 'HANDLER_ATTEMPTS' | 'TRANSIENT_RETRY_MAX_DELAY_MS' | 'DEAD_LETTER_MAX_BYTES'
>;

export function createKafkaBus(env: KafkaEnv, name: string, logger: Logger, observer?: DeliveryObserver): KafkaBus {
  return new KafkaBus(
    {
      brokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-${name}`,
      partitions: env.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONCURRENTLY,
      policy: deliveryPolicyFrom(env),
      ...(observer ? { observer } : {}),
    },
    logger,
  );
}

/** The delivery policy of either bus, from the validated settings. */
export function deliveryPolicyFrom(env: Pick<ServiceEnv, 'HANDLER_ATTEMPTS' | 'TRANSIENT_RETRY_MAX_DELAY_MS' | 'DEAD_LETTER_MAX_BYTES'>): DeliveryPolicy {
  return { attempts: env.HANDLER_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2000, transientMaxDelayMs: env.TRANSIENT_RETRY_MAX_DELAY_MS, deadLetterMaxBytes: env.DEAD_LETTER_MAX_BYTES };
}
