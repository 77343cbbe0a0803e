import { ConfigurationContactPassedTopic, ContactReceivedTopic, InventoryContactPassedTopic } from './contact.events';
import { ContactMeAttemptedTopic, ContactMeRequestedTopic } from './contact-me.events';
import { DeadLetterTopic } from './dead-letter.events';
import { INTEGRATION_TOPICS } from './integration.events';
import { SessionClosedTopic, SessionOpenedTopic } from './session.events';
import {
  ConfigurationJobCompletedTopic,
  ConfigurationJobRejectedTopic,
  ConfigurationJobRequestedTopic,
  ConfigurationPendingJobsTopic,
  DeploymentJobCompletedTopic,
  DeploymentJobRejectedTopic,
  DeploymentJobRequestedTopic,
  DeploymentPendingJobsTopic,
} from './job.events';
import type { TopicContract } from './topic-contract';

/** Every fixed topic; the per-gateway response topics are made by gatewayResponseTopic(). */
export const FIXED_TOPICS: readonly TopicContract<unknown>[] = [
  ContactReceivedTopic,
  InventoryContactPassedTopic,
  ConfigurationContactPassedTopic,
  DeadLetterTopic,
  ConfigurationJobRequestedTopic,
  DeploymentJobRequestedTopic,
  ConfigurationJobCompletedTopic,
  DeploymentJobCompletedTopic,
  ConfigurationJobRejectedTopic,
  DeploymentJobRejectedTopic,
  ConfigurationPendingJobsTopic,
  DeploymentPendingJobsTopic,
  ContactMeRequestedTopic,
  ContactMeAttemptedTopic,
  SessionOpenedTopic,
  SessionClosedTopic,
  ...Object.values(INTEGRATION_TOPICS).flatMap((topics): TopicContract<unknown>[] => Object.values(topics)),
];
