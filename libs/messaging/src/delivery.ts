import { DeadLetterTopic, HEADERS } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus, Subscription } from './bus';
import { decodeValue } from './codec';
import { deadLetterOf, DEFAULT_DEAD_LETTER_MAX_BYTES } from './dead-letter';

export interface RawMessage {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface DeliveryPolicy {
  attempts: number;
  /** Backoff before attempt n (n ≥ 2) is baseDelayMs · 2^(n-2), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Bound of a dead letter, serialised (`DEAD_LETTER_MAX_BYTES`); its value is redacted and cut to fit. */
  deadLetterMaxBytes?: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Shared by both bus implementations: validate once, run the handler with retries, and on
 * exhaustion dead-letter the message and run the subscription's failure path. It only
 * returns normally when the message is done with (handled, or dead-lettered and its failure
 * path ran); otherwise it throws and the message must be delivered again.
 */
export async function deliver<T>(
  raw: RawMessage,
  sub: Subscription<T>,
  deps: { bus: Bus; logger: Logger; policy: DeliveryPolicy },
): Promise<void> {
  const { bus, logger, policy } = deps;
  const log = logger.child({ topic: raw.topic, groupId: sub.groupId, mac: raw.key, correlationId: raw.headers[HEADERS.correlationId] });
  const decoded = decodeValue(sub.topic, raw.value);
  if (!decoded.ok) {
    log.warn('invalid message dead-lettered', { error: decoded.error });
    await deadLetter(bus, raw, sub.groupId, decoded.error, 0, policy);
    return;
  }
  const envelope = { topic: raw.topic, key: raw.key ?? '', value: decoded.value, headers: raw.headers };
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 2)));
    try {
      await sub.handle(envelope);
      return;
    } catch (error) {
      lastError = error;
      log.warn('handler failed', { attempt, of: policy.attempts, error: describe(error) });
    }
  }
  log.error('handler failed on every attempt; dead-lettering and running the failure path', { error: describe(lastError) });
  await deadLetter(bus, raw, sub.groupId, describe(lastError), policy.attempts, policy);
  if (sub.onExhausted) await sub.onExhausted(envelope, lastError);
}

async function deadLetter(bus: Bus, raw: RawMessage, groupId: string, error: string, attempts: number, policy: DeliveryPolicy): Promise<void> {
  const letter = deadLetterOf(raw, groupId, error, attempts, policy.deadLetterMaxBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES);
  await bus.publish(DeadLetterTopic, letter.key ?? '', letter, { [HEADERS.sourceTopic]: raw.topic, [HEADERS.error]: letter.error.slice(0, 200) });
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
