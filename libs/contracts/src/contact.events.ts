import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema, PhoneMessageSchema, WpiActionSchema, WpiItemSchema } from './wpi-schemas';

/** Stages of the contact pipeline, in the order a contact flows through them. */
export const STAGES = ['inventory', 'configuration', 'deployment'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * One phone request, as the gateway received it. The same payload travels through the
 * pipeline: each stage either answers the phone or passes the contact on, unchanged.
 */
export const ContactEventSchema = z.object({
  /** Unique per HTTP request: the idempotency key of every consumer. */
  contactId: z.uuid(),
  /** Unique per interaction (start-up … CleanUp); lives in the session cookie. */
  interactionId: z.uuid(),
  /** The gateway instance holding the phone's HTTPS request; responses go to its topic. */
  gatewayId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  mac: MacSchema,
  /** The phone's source address as the gateway saw it. */
  remoteAddress: z.string().max(64),
  receivedAt: z.iso.datetime(),
  /** After this instant the gateway has answered on its own; late answers are dropped. */
  answerBy: z.iso.datetime(),
  message: PhoneMessageSchema,
});
export type ContactEvent = z.infer<typeof ContactEventSchema>;

/** What a stage tells the gateway to send to the phone. */
export const PhoneResponseSchema = z.object({
  contactId: z.uuid(),
  interactionId: z.uuid(),
  mac: MacSchema,
  respondedBy: z.enum([...STAGES, 'gateway']),
  action: WpiActionSchema,
  items: z.array(WpiItemSchema),
  /** Why, for logs and for the XML comment; never contains secrets. */
  note: z.string().max(200).optional(),
});
export type PhoneResponse = z.infer<typeof PhoneResponseSchema>;

export const ContactReceivedTopic = defineTopic(
  'wpi.contact.received.v1',
  ContactEventSchema,
  'gateway → inventory: a phone message, parsed. First stage of the contact pipeline.',
);
export const InventoryContactPassedTopic = defineTopic(
  'inventory.contact.passed.v1',
  ContactEventSchema,
  'inventory → configuration: inventory recorded the contact and has nothing to send.',
);
export const ConfigurationContactPassedTopic = defineTopic(
  'configuration.contact.passed.v1',
  ContactEventSchema,
  'configuration → deployment: configuration has nothing to send either.',
);

/** Every per-gateway response topic starts with this. */
export const GATEWAY_RESPONSE_TOPIC_PREFIX = 'wpi.response.ready.v1.';

/**
 * Responses go to a topic of the gateway instance that holds the request, consumed by that
 * instance alone (its own consumer group): no request–reply partition assignment that a
 * rebalance could break, no sticky sessions.
 */
export function gatewayResponseTopic(gatewayId: string) {
  return defineTopic(
    `${GATEWAY_RESPONSE_TOPIC_PREFIX}${gatewayId}`,
    PhoneResponseSchema,
    'stage → one gateway instance: the next message for a phone waiting on that instance.',
  );
}

/** Which stage consumes which topic, and where it passes contacts it does not answer. */
export const PIPELINE: Record<Stage, { input: typeof ContactReceivedTopic; passTo?: typeof ContactReceivedTopic }> = {
  inventory: { input: ContactReceivedTopic, passTo: InventoryContactPassedTopic },
  configuration: { input: InventoryContactPassedTopic, passTo: ConfigurationContactPassedTopic },
  deployment: { input: ConfigurationContactPassedTopic },
};
