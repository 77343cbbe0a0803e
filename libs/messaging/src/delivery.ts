import { setTimeout as sleep } from 'node:timers/promises';
import { DeadLetterTopic, HEADERS } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus, Envelope, Subscription } from './bus';
import { decodeValue } from './codec';
import { deadLetterOf, DEFAULT_DEAD_LETTER_MAX_BYTES } from './dead-letter';
import { classifyFailure } from './failure-classification';
import { MessagingError, type RejectionCode } from './messaging.error';

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

/**
 * What a bus tells about its deliveries (the process's metrics, libs/metrics DeliveryMetrics):
 * an attempt that failed and will be made again, a message given up. Cheap and synchronous.
 */
export interface DeliveryObserver {
  retried(groupId: string, topic: string, failure: 'transient' | 'unknown' | 'failure-path'): void;
  deadLettered(groupId: string, topic: string, code: RejectionCode): void;
}

export interface DeliveryDeps {
  bus: Bus;
  logger: Logger;
  policy: DeliveryPolicy;
  observer?: DeliveryObserver;
  /** Aborted when the bus closes: a retry loop then stops at once, leaving the message undone. */
  closing?: AbortSignal;
}

/** Thrown when the bus closes while a message waits for a retry: the message is not done and must be delivered again. */
export class DeliveryStoppedError extends MessagingError<'bus-closing'> {
  constructor(topic: string, cause: unknown) {
    super('bus-closing', topic, `delivery of a ${topic} message stopped: the bus is closing`, { cause });
    this.name = 'DeliveryStoppedError';
  }
}

/** What the attempts so far at one message left behind; kept by the bus between redeliveries of that message. */
export interface RetryState {
  /** Attempts made (the next one is attempt + 1). */
  attempt: number;
  /** Unclassified failures so far (bounded by policy.attempts). */
  failures: number;
  /** Transient failures since the last other outcome: the exponent of the backoff. */
  transientInARow: number;
}

export const freshRetryState = (): RetryState => ({ attempt: 0, failures: 0, transientInARow: 0 });

/** The message is done with (handled, or dead-lettered and its failure path ran), or must be tried again after `retryInMs`. */
export type AttemptOutcome = { done: true } | { done: false; retryInMs: number; error: unknown };

/**
 * One attempt at a message, shared by both bus implementations: validate once, run the
 * handler, and act on how it failed (classifyFailure):
 * - transient (a dependency is down): try again after a backoff for as long as it lasts (or
 *   until the subscription's `retryUntil` for the message); the message is not done, so nothing
 *   is dead-lettered or committed meanwhile;
 * - permanent (the message is at fault): dead-letter it at once and run the failure path;
 * - unknown: `policy.attempts` attempts, then dead letter and failure path.
 * The bus decides how to wait: Kafka pauses the partition and redelivers (kafka.bus.ts), the
 * in-process bus waits on the key's queue (deliver()).
 */
export async function attemptDelivery<T>(raw: RawMessage, sub: Subscription<T>, deps: Omit<DeliveryDeps, 'closing'>, state: RetryState): Promise<AttemptOutcome> {
  const { logger, policy } = deps;
  const log = logger.child({ topic: raw.topic, groupId: sub.groupId, mac: raw.key, correlationId: raw.headers[HEADERS.correlationId] });
  const decoded = decodeValue(sub.topic, raw.value);
  if (!decoded.ok) {
    log.warn('invalid message dead-lettered', { error: decoded.error });
    return reject(raw, sub, deps, state, 0, new MessagingError('invalid-message', raw.topic, decoded.error));
  }
  const envelope = { topic: raw.topic, key: raw.key ?? '', value: decoded.value, headers: raw.headers };
  const giveUp = async (code: RejectionCode, why: string, attempt: number, error: unknown): Promise<AttemptOutcome> => {
    log.error(`${why}; dead-lettering and running the failure path`, { attempt, code, error: describe(error) });
    return reject(raw, sub, deps, state, attempt, new MessagingError(code, raw.topic, describe(error), { cause: error }), envelope);
  };
  const attempt = ++state.attempt;
  let error: unknown;
  try {
    await sub.handle(envelope);
    if (state.transientInARow > 0) log.info('handler succeeded after transient failures', { attempt });
    return { done: true };
  } catch (caught) {
    error = caught;
  }
  const failure = classifyFailure(error);
  if (failure === 'transient') {
    const deadline = sub.retryUntil?.(envelope);
    const left = deadline === undefined || Number.isNaN(deadline) ? Infinity : deadline - Date.now();
    if (left <= 0) return giveUp('deadline-passed', 'handler failed on a transient error past the message\'s deadline', attempt, error);
    const retryInMs = Math.min(left, policy.transientMaxDelayMs ?? DEFAULT_TRANSIENT_MAX_DELAY_MS, policy.baseDelayMs * 2 ** Math.min(state.transientInARow, 30));
    state.transientInARow++;
    // One line per backoff step: at most one per transientMaxDelayMs per waiting message once the backoff is at its cap.
    log.warn('handler failed on a transient error; retrying until it clears', { attempt, retryInMs, error: describe(error) });
    deps.observer?.retried(sub.groupId, raw.topic, 'transient');
    return { done: false, retryInMs, error };
  }
  state.transientInARow = 0;
  state.failures++;
  if (failure === 'permanent') return giveUp('permanent-failure', 'handler failed on a permanent error', attempt, error);
  if (state.failures >= policy.attempts) return giveUp('attempts-exhausted', 'handler failed on every attempt', attempt, error);
  log.warn('handler failed', { attempt: state.failures, of: policy.attempts, error: describe(error) });
  deps.observer?.retried(sub.groupId, raw.topic, 'unknown');
  return { done: false, retryInMs: Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (state.failures - 1)), error };
}

/**
 * Delivers a message to the end (see attemptDelivery), waiting between attempts where it is:
 * the in-process bus, whose per-key queue is its partition, so waiting holds only that key.
 * It only returns normally when the message is done with; it throws DeliveryStoppedError if
 * the bus closes meanwhile.
 */
export async function deliver<T>(raw: RawMessage, sub: Subscription<T>, deps: DeliveryDeps): Promise<void> {
  const state = freshRetryState();
  for (;;) {
    const outcome = await attemptDelivery(raw, sub, deps, state);
    if (outcome.done) return;
    await wait(outcome.retryInMs, raw.topic, outcome.error, deps.closing);
  }
}

async function wait(ms: number, topic: string, lastError: unknown, closing: AbortSignal | undefined): Promise<void> {
  if (closing?.aborted) throw new DeliveryStoppedError(topic, lastError);
  try {
    await sleep(ms, undefined, closing ? { signal: closing } : undefined);
  } catch (error) {
    if (closing?.aborted) throw new DeliveryStoppedError(topic, lastError);
    throw error;
  }
}

/**
 * Ends a message for good: the failure path first (the sender's failure event, the stored
 * dead letter, the phone's answer), then the dead letter on its topic. In that order because
 * either may fail and the message then comes again: a failure event sent twice carries one
 * eventId and a stored letter is one row per message, where a letter published before a
 * failing failure path would be published twice. A failure path that fails (its database or
 * broker down) is retried like a transient failure: the message is not done.
 */
async function reject<T>(
  raw: RawMessage,
  sub: Subscription<T>,
  deps: Omit<DeliveryDeps, 'closing'>,
  state: RetryState,
  attempts: number,
  error: MessagingError<RejectionCode>,
  message?: Envelope<T>,
): Promise<AttemptOutcome> {
  try {
    if (sub.onRejected) await sub.onRejected({ raw, groupId: sub.groupId, error, attempts, ...(message ? { message } : {}) });
    await deadLetter(deps.bus, raw, sub.groupId, error.message, attempts, deps.policy);
    deps.observer?.deadLettered(sub.groupId, raw.topic, error.code);
    return { done: true };
  } catch (failed) {
    const retryInMs = Math.min(deps.policy.transientMaxDelayMs ?? DEFAULT_TRANSIENT_MAX_DELAY_MS, deps.policy.baseDelayMs * 2 ** Math.min(state.transientInARow, 30));
    state.transientInARow++;
    deps.logger.error('the failure path of a message failed; it will be delivered again', { topic: raw.topic, groupId: sub.groupId, mac: raw.key, retryInMs, error: describe(failed) });
    deps.observer?.retried(sub.groupId, raw.topic, 'failure-path');
    return { done: false, retryInMs, error: failed };
  }
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
