import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema } from './wpi-schemas';

/**
 * A gateway opened an interaction for a phone. Every gateway keeps a short-lived view of these
 * by nonce, so a reply-to that comes back without its session cookie (protocol.md §2.4, §9
 * Q21) is still tied to its phone through the nonce the phone repeats within one flow.
 */
export const SessionOpenedSchema = z.object({
  mac: MacSchema,
  nonce: z.string().min(1).max(128),
  interactionId: z.uuid(),
  gatewayId: z.string().max(64),
  at: z.iso.datetime(),
});
export type SessionOpened = z.infer<typeof SessionOpenedSchema>;

export const SessionOpenedTopic = defineTopic(
  'wpi.session.opened.v1',
  SessionOpenedSchema,
  'gateway → every gateway: an interaction began (nonce → phone), for cookie-less replies.',
);
