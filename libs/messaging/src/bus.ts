import type { TopicContract } from '@workpoint/contracts';

/** A message as handlers see it: the value already validated against its topic's schema. */
export interface Envelope<T> {
  topic: string;
  key: string;
  value: T;
  headers: Record<string, string>;
}

export type Handler<T> = (message: Envelope<T>) => Promise<void>;

export interface Subscription<T> {
  topic: TopicContract<T>;
  /** Consumer group: each group receives every message once; members share the partitions. */
  groupId: string;
  handle: Handler<T>;
  /**
   * The failure path, run once the handler has failed for good (a permanent error, every
   * attempt, or a transient error past `retryUntil`) and the message has been dead-lettered (e.g. answer the waiting phone). If it throws, the message is not
   * committed and will be delivered again.
   */
  onExhausted?: (message: Envelope<T>, error: unknown) => Promise<void>;
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
  /** Whether the bus can currently reach its broker (for readiness probes). */
  healthy(): boolean;
  close(): Promise<void>;
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
