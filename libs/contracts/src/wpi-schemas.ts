import { z } from 'zod';
import { WPI_ACTIONS } from '@workpoint/wpi-codec';

/** Canonical MAC form used as the key of every message: upper-case, colon separated. */
export const MacSchema = z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/, 'MAC must be upper-case colon form');

export const WpiItemSchema = z.object({
  name: z.string().min(1).max(256),
  index: z.number().int().nonnegative().optional(),
  value: z.string().nullable(),
  status: z.string().max(64).optional(),
});

/** The phone's message as the gateway parsed it; the only form of WPI behind the gateway. */
export const PhoneMessageSchema = z.object({
  nonce: z.string().min(1).max(128),
  maxItems: z.number().int(),
  fragment: z.enum(['next', 'final']).optional(),
  reason: z.string().min(1).max(64),
  replyTo: z.object({ action: z.string().max(64), status: z.string().max(32) }).optional(),
  items: z.array(WpiItemSchema),
});

export const WpiActionSchema = z.enum(WPI_ACTIONS);
