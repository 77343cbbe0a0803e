import { ConfigurationContactPassedTopic, ContactReceivedTopic, InventoryContactPassedTopic, type Stage } from './contact.events';
import { ContactMeAttemptedTopic, ContactMeRequestedTopic } from './contact-me.events';
import { DeadLetterTopic } from './dead-letter.events';
import { INTEGRATION_TOPICS } from './integration.events';
import { JOB_TOPICS } from './job.events';
import { SessionClosedTopic, SessionOpenedTopic } from './session.events';
import type { TopicContract } from './topic-contract';

export type WorkpointApp = 'gateway' | Stage;

/**
 * What one app does on Kafka, for the topics and ACLs an administrator creates when the apps
 * may not (KAFKA_CREATE_TOPICS=false; `workpoint kafka-topics` prints them). Kept next to the
 * topics so a new topic or consumer is listed where it is declared; the apps' own topic lists
 * are checked against it in their specs.
 */
export interface KafkaAccess {
  /** Topics it subscribes to (READ, DESCRIBE). A service also re-publishes replayed dead letters to them (WRITE). */
  consumes: readonly TopicContract<unknown>[];
  /** Topics it publishes to (WRITE, DESCRIBE). */
  produces: readonly TopicContract<unknown>[];
  /** The per-gateway response topics (prefix GATEWAY_RESPONSE_TOPIC_PREFIX, contact.events.ts): a gateway reads its own, the services write to all. */
  responses: 'read' | 'write';
  /** Every consumer group it joins starts with this (READ on the prefix). */
  groupPrefix: string;
}

const integration = (stage: Stage): TopicContract<unknown>[] => Object.values(INTEGRATION_TOPICS[stage]);

export const KAFKA_ACCESS: Record<WorkpointApp, KafkaAccess> = {
  gateway: {
    consumes: [JOB_TOPICS.configuration.pending, JOB_TOPICS.deployment.pending, SessionOpenedTopic, SessionClosedTopic],
    produces: [ContactReceivedTopic, SessionOpenedTopic, SessionClosedTopic, DeadLetterTopic],
    responses: 'read',
    // workpoint-gateway-<id> (responses) and workpoint-gateway-<id>-views-… (one per view and start).
    groupPrefix: 'workpoint-gateway-',
  },
  inventory: {
    consumes: [ContactReceivedTopic, ContactMeRequestedTopic],
    produces: [InventoryContactPassedTopic, ContactMeAttemptedTopic, DeadLetterTopic, ...integration('inventory')],
    responses: 'write',
    // The Nest transport's groups: workpoint-<stage>.<topic>.
    groupPrefix: 'workpoint-inventory.',
  },
  configuration: {
    consumes: [InventoryContactPassedTopic, JOB_TOPICS.configuration.requested],
    // The operator API sends deployment jobs and contact-me requests as well.
    produces: [
      ConfigurationContactPassedTopic,
      JOB_TOPICS.configuration.requested,
      JOB_TOPICS.configuration.completed,
      JOB_TOPICS.configuration.rejected,
      JOB_TOPICS.configuration.pending,
      JOB_TOPICS.deployment.requested,
      ContactMeRequestedTopic,
      DeadLetterTopic,
      ...integration('configuration'),
    ],
    responses: 'write',
    groupPrefix: 'workpoint-configuration.',
  },
  deployment: {
    consumes: [ConfigurationContactPassedTopic, JOB_TOPICS.deployment.requested],
    produces: [JOB_TOPICS.deployment.completed, JOB_TOPICS.deployment.rejected, JOB_TOPICS.deployment.pending, ContactMeRequestedTopic, DeadLetterTopic, ...integration('deployment')],
    responses: 'write',
    groupPrefix: 'workpoint-deployment.',
  },
};

/**
 * Largest message (record batch) a Workpoint topic takes: 4 MiB. A phone's reply travels in one
 * contact event (MAX_BODY_BYTES up to 16 MiB is refused long before; a full real reply is
 * 20–50 kB), and REPLY_MAX_BYTES defaults to the same 4 MiB. Brokers default to 1 MiB.
 */
export const KAFKA_MAX_MESSAGE_BYTES = 4 * 1048576;

/** Kafka's own default retention (7 days), written out so an administrator's broker default does not decide it silently. */
const RETENTION_MS = 7 * 24 * 3600 * 1000;

/** The topic-level configs every Workpoint topic is created with (by the apps, or by an administrator). */
export function topicConfigs(topic: TopicContract<unknown>): Record<string, string> {
  return topic.compacted
    ? { 'cleanup.policy': 'compact', 'max.message.bytes': String(KAFKA_MAX_MESSAGE_BYTES) }
    : { 'cleanup.policy': 'delete', 'max.message.bytes': String(KAFKA_MAX_MESSAGE_BYTES), 'retention.ms': String(RETENTION_MS) };
}
