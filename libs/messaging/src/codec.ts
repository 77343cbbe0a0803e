import type { TopicContract } from '@workpoint/contracts';
import { BusValidationError } from './bus';

export function encodeValue<T>(topic: TopicContract<T>, value: T): string {
  const result = topic.schema.safeParse(value);
  if (!result.success) throw new BusValidationError(topic.name, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return JSON.stringify(result.data);
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses and validates an inbound value once, at the boundary, in shared code. */
export function decodeValue<T>(topic: TopicContract<T>, text: string): Decoded<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const result = topic.schema.safeParse(raw);
  if (!result.success) {
    return { ok: false, error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, value: result.data };
}
