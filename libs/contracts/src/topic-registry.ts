import { ConfigurationContactPassedTopic, ContactReceivedTopic, InventoryContactPassedTopic } from './contact.events';
import { DeadLetterTopic } from './dead-letter.events';
import type { TopicContract } from './topic-contract';

/** Every fixed topic; the per-gateway response topics are made by gatewayResponseTopic(). */
export const FIXED_TOPICS: readonly TopicContract<unknown>[] = [
  ContactReceivedTopic,
  InventoryContactPassedTopic,
  ConfigurationContactPassedTopic,
  DeadLetterTopic,
];
