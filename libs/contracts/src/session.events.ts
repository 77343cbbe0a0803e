import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema } from './wpi-schemas';

/** An IP address as a socket reports it (IPv6 up to 45 characters, plus a zone id). */
const RemoteAddressSchema = z.string().min(1).max(64);

/**
 * A gateway opened an interaction for a phone. Every gateway keeps a short-lived view of these
 * by nonce and source address, so a reply-to that comes back without its session cookie
 * (protocol.md §2.4, §9 Q21) from the address that opened the interaction is still tied to its
 * phone through the nonce the phone repeats within one flow.
 */
export const SessionOpenedSchema = z.object({
  mac: MacSchema,
  nonce: z.string().min(1).max(128),
  interactionId: z.uuid(),
  gatewayId: z.string().max(64),
  at: z.iso.datetime(),
  /**
   * The source address of the request that opened the interaction (IPv4-mapped IPv6 written as
   * IPv4). Optional only because v1 events published before it existed lack it; such an event
   * ties its nonce to no address, so no cookie-less reply can use it.
   */
  remoteAddress: RemoteAddressSchema.optional(),
});
export type SessionOpened = z.infer<typeof SessionOpenedSchema>;

export const SessionOpenedTopic = defineTopic(
  'wpi.session.opened.v1',
  SessionOpenedSchema,
  'gateway → every gateway: an interaction began (nonce + source address → phone), for cookie-less replies.',
);

/**
 * A gateway ended an interaction: it answered CleanUp or Restart (its own overload CleanUp
 * included). Every gateway then refuses the interaction's session cookie and forgets its nonce,
 * for the rest of the cookie's lifetime (protocol.md §2.4: CleanUp ends the session).
 */
export const SessionClosedSchema = z.object({
  mac: MacSchema,
  interactionId: z.uuid(),
  gatewayId: z.string().max(64),
  at: z.iso.datetime(),
});
export type SessionClosed = z.infer<typeof SessionClosedSchema>;

export const SessionClosedTopic = defineTopic(
  'wpi.session.closed.v1',
  SessionClosedSchema,
  'gateway → every gateway: an interaction ended (CleanUp, Restart); its cookie and nonce are refused from now on.',
);
