import { setTimeout as sleep } from 'node:timers/promises';
import { DeadLetterTopic, HEADERS } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus, Subscription } from './bus';
import { decodeValue } from './codec';
import { deadLetterOf, DEFAULT_DEAD_LETTER_MAX_BYTES } from './dead-letter';
import { classifyFailure } from './failure-classification';

export interface RawMessage {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface DeliveryPolicy {
  /** Attempts of a handler whose failure is not classified (see failure-classification.ts). */
  attempts: number;
  /** Backoff before attempt n (n ≥ 2) is baseDelayMs · 2^(n-2), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Cap of the backoff between retries of a transient failure (`TRANSIENT_RETRY_MAX_DELAY_MS`);
   * those are retried for as long as they last. Default 5000.
   */
  transientMaxDelayMs?: number;
  /** Bound of a dead letter, serialised (`DEAD_LETTER_MAX_BYTES`); its value is redacted and cut to fit. */
  deadLetterMaxBytes?: number;
}

export const DEFAULT_TRANSIENT_MAX_DELAY_MS = 5000;
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000, transientMaxDelayMs: DEFAULT_TRANSIENT_MAX_DELAY_MS };

export interface DeliveryDeps {
  bus: Bus;
  logger: Logger;
  policy: DeliveryPolicy;
  /** Aborted when the bus closes: a retry loop then stops at once, leaving the message undone. */
  closing?: AbortSignal;
  /** Called between retries so that a consumer blocked on one message keeps its group membership (kafkajs's eachMessage heartbeat). */
  heartbeat?: () => Promise<void>;
}

/** Thrown when the bus closes while a message waits for a retry: the message is not done and must be delivered again. */
export class DeliveryStoppedError extends Error {
  constructor(
    readonly topic: string,
    cause: unknown,
  ) {
    super(`delivery of a ${topic} message stopped: the bus is closing`, { cause });
    this.name = 'DeliveryStoppedError';
  }
}

/**
 * Shared by both bus implementations: validate once, run the handler, and act on how it
 * failed (classifyFailure):
 * - transient (a dependency is down): retry with backoff for as long as it lasts (or until the
 *   subscription's `retryUntil` for the message); the message is not done, so nothing is
 *   dead-lettered or committed meanwhile;
 * - permanent (the message is at fault): dead-letter it at once and run the failure path;
 * - unknown: `policy.attempts` attempts, then dead letter and failure path.
 * It only returns normally when the message is done with (handled, or dead-lettered and its
 * failure path ran); otherwise it throws and the message must be delivered again.
 */
export async function deliver<T>(raw: RawMessage, sub: Subscription<T>, deps: DeliveryDeps): Promise<void> {
  const { bus, logger, policy } = deps;
  const log = logger.child({ topic: raw.topic, groupId: sub.groupId, mac: raw.key, correlationId: raw.headers[HEADERS.correlationId] });
  const decoded = decodeValue(sub.topic, raw.value);
  if (!decoded.ok) {
    log.warn('invalid message dead-lettered', { error: decoded.error });
    await deadLetter(bus, raw, sub.groupId, decoded.error, 0, policy);
    return;
  }
  const envelope = { topic: raw.topic, key: raw.key ?? '', value: decoded.value, headers: raw.headers };
  const giveUp = async (why: string, attempt: number, error: unknown): Promise<void> => {
    log.error(`${why}; dead-lettering and running the failure path`, { attempt, error: describe(error) });
    await deadLetter(bus, raw, sub.groupId, describe(error), attempt, policy);
    if (sub.onExhausted) await sub.onExhausted(envelope, error);
  };
  let failures = 0;
  let transientInARow = 0;
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    try {
      await sub.handle(envelope);
      if (transientInARow > 0) log.info('handler succeeded after transient failures', { attempt });
      return;
    } catch (caught) {
      error = caught;
    }
    const failure = classifyFailure(error);
    let delayMs: number;
    if (failure === 'transient') {
      const deadline = sub.retryUntil?.(envelope);
      const left = deadline === undefined || Number.isNaN(deadline) ? Infinity : deadline - Date.now();
      if (left <= 0) return giveUp('handler failed on a transient error past the message\'s deadline', attempt, error);
      delayMs = Math.min(left, policy.transientMaxDelayMs ?? DEFAULT_TRANSIENT_MAX_DELAY_MS, policy.baseDelayMs * 2 ** Math.min(transientInARow, 30));
      transientInARow++;
      // One line per backoff step: at most one per transientMaxDelayMs per blocked message once the backoff is at its cap.
      log.warn('handler failed on a transient error; retrying until it clears', { attempt, retryInMs: delayMs, error: describe(error) });
    } else {
      transientInARow = 0;
      failures++;
      if (failure === 'permanent') return giveUp('handler failed on a permanent error', attempt, error);
      if (failures >= policy.attempts) return giveUp('handler failed on every attempt', attempt, error);
      delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
      log.warn('handler failed', { attempt: failures, of: policy.attempts, error: describe(error) });
    }
    await pause(delayMs, raw.topic, error, deps);
  }
}

async function pause(ms: number, topic: string, lastError: unknown, deps: DeliveryDeps): Promise<void> {
  if (deps.closing?.aborted) throw new DeliveryStoppedError(topic, lastError);
  if (deps.heartbeat) await deps.heartbeat();
  try {
    await sleep(ms, undefined, deps.closing ? { signal: deps.closing } : undefined);
  } catch (error) {
    if (deps.closing?.aborted) throw new DeliveryStoppedError(topic, lastError);
    throw error;
  }
  if (deps.heartbeat) await deps.heartbeat();
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
