import { z } from 'zod';
import { defineTopic } from './topic-contract';

/**
 * Where a message goes when it is invalid or its handler failed after every retry. The
 * original value is kept verbatim (as text) so an operator can inspect and replay it.
 */
export const DeadLetterSchema = z.object({
  sourceTopic: z.string(),
  groupId: z.string(),
  key: z.string().nullable(),
  value: z.string(),
  error: z.string().max(2000),
  failedAt: z.iso.datetime(),
  attempts: z.number().int().nonnegative(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export const DeadLetterTopic = defineTopic('workpoint.dead-letter.v1', DeadLetterSchema, 'any consumer → operators: messages that could not be processed.');
