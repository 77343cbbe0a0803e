import type { TopicContract } from '@workpoint/contracts';
import type { RawMessage } from './delivery';
import type { MessagingError, RejectionCode } from './messaging.error';

/** A message as handlers see it: the value already validated against its topic's schema. */
export interface Envelope<T> {
  topic: string;
  key: string;
  value: T;
  headers: Record<string, string>;
}

/** A message that failed for good, as its subscription's failure path sees it. */
export interface Rejection<T> {
  /** The message as received. */
  raw: RawMessage;
  /** The consumer group that gave it up. */
  groupId: string;
  /** The validated message; absent when it was invalid (code `invalid-message`). */
  message?: Envelope<T>;
  /** Why: the code, and the handler's own error as `cause` where there is one. */
  error: MessagingError<RejectionCode>;
  /** Attempts made (0 for an invalid message). */
  attempts: number;
}

export type Handler<T> = (message: Envelope<T>) => Promise<void>;

export interface Subscription<T> {
  topic: TopicContract<T>;
  /** Consumer group: each group receives every message once; members share the partitions. */
  groupId: string;
  handle: Handler<T>;
  /**
   * The failure path, run once the message has failed for good (invalid, a permanent error,
   * every attempt, or a transient error past `retryUntil`), just before it is dead-lettered:
   * e.g. send the sender a failure event, or answer the waiting phone. If it throws, the
   * message is not done and will be delivered again.
   */
  onRejected?: (rejection: Rejection<T>) => Promise<void>;
  /**
   * Until when (epoch ms) a transient failure is worth retrying for this message, e.g. the
   * moment the phone waiting for it stops waiting; past it the message is dead-lettered and
   * its failure path runs. Unset or undefined: for as long as the failure lasts.
   */
  retryUntil?: (message: Envelope<T>) => number | undefined;
  /** Start from the oldest retained message when the group has no committed offset. */
  fromBeginning?: boolean;
}

/**
 * The messaging port. Two implementations with the same delivery semantics per key:
 * Kafka (distributed deployment) and in-process (embedded default).
 */
export interface Bus {
  /** Validates the value against the topic's schema; resolves once the broker acknowledged. */
  publish<T>(topic: TopicContract<T>, key: string, value: T, headers?: Record<string, string>): Promise<void>;
  /** Starts consuming; resolves once the consumer has joined its group. */
  subscribe<T>(subscription: Subscription<T>): Promise<void>;
  /** Creates the topics that do not exist yet (existing ones are left as they are). */
  ensureTopics(topics: readonly TopicContract<unknown>[]): Promise<void>;
  /**
   * Readiness: resolves once the broker answered a metadata request, rejects when it cannot be
   * reached. Each call asks the broker (callers cache it); the in-process bus rejects once closed.
   */
  reachable(): Promise<void>;
  /**
   * Liveness: false once a consumer stopped for good (kafkajs gave up on it and will not restart
   * it), so only a restart of the process brings consumption back. A broker outage is not that.
   */
  live(): boolean;
  /**
   * Graceful shutdown, before the app closes: every consumer finishes the batch in hand (nothing
   * past a message that is not done is committed) and leaves its group. Publishing still works.
   */
  stopConsuming(): Promise<void>;
  /** Messages not yet done per consumer group and topic of this process's subscriptions (metrics). */
  lag?(): Promise<ConsumerLag[]>;
  close(): Promise<void>;
}

/** How far one consumer group of this process is behind on one topic. */
export interface ConsumerLag {
  groupId: string;
  topic: string;
  messages: number;
}

/** A value that does not match its topic's schema: a bug in the producer, never retried. */
export class BusValidationError extends Error {
  constructor(
    readonly topic: string,
    readonly issues: string[],
  ) {
    super(`Invalid value for ${topic}: ${issues.join('; ')}`);
    this.name = 'BusValidationError';
  }
}

/**
 * The Nest injection token of the process's {@link Bus}: `@Inject(BUS) private readonly bus: Bus`.
 * The root module of each app provides it (`StageCoreModule` in `@workpoint/runtime`).
 */
export const BUS = Symbol('workpoint:bus');
