import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema } from './wpi-schemas';

/** Someone wants the phone to call back (it has a job waiting). */
export const ContactMeRequestedSchema = z.object({
  mac: MacSchema,
  requestedBy: z.string().min(1).max(128),
  at: z.iso.datetime(),
});
export type ContactMeRequested = z.infer<typeof ContactMeRequestedSchema>;

/** One attempt to reach a phone's contact-me listener, and what happened. */
export const ContactMeAttemptedSchema = z.object({
  mac: MacSchema,
  target: z.string().max(300),
  attempt: z.number().int().positive(),
  outcome: z.enum(['accepted', 'refused', 'unreachable', 'timed-out', 'invalid-target', 'no-target']),
  httpStatus: z.number().int().optional(),
  detail: z.string().max(300).optional(),
  final: z.boolean(),
  at: z.iso.datetime(),
});
export type ContactMeAttempted = z.infer<typeof ContactMeAttemptedSchema>;

export const ContactMeRequestedTopic = defineTopic(
  'wpi.contact-me.requested.v1',
  ContactMeRequestedSchema,
  'configuration / deployment → inventory (which knows each contact-me-uri): ask the phone to call back.',
);
export const ContactMeAttemptedTopic = defineTopic(
  'inventory.contact-me.attempted.v1',
  ContactMeAttemptedSchema,
  'inventory → any system: the outcome of each contact-me attempt.',
);
