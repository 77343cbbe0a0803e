import type { ZodType } from 'zod';

/**
 * A topic and the schema of every value on it. Producer and consumer import the same
 * object, so a payload is declared once. A breaking change gets a new `.vN` topic.
 */
export interface TopicContract<T> {
  readonly name: string;
  readonly schema: ZodType<T>;
  /** What the message key is; every Workpoint topic is keyed by the phone's MAC. */
  readonly key: 'mac';
  readonly description: string;
  /** Compacted topics keep the latest value per key (state, not history). */
  readonly compacted?: boolean;
}

export function defineTopic<T>(name: string, schema: ZodType<T>, description: string, options: { compacted?: boolean } = {}): TopicContract<T> {
  return { name, schema, key: 'mac', description, ...options };
}

/** Header names carried by every Workpoint message. */
export const HEADERS = {
  /** One phone interaction (start-up … CleanUp). */
  correlationId: 'workpoint-correlation-id',
  /** The event that caused this one (the contact id for responses). */
  causationId: 'workpoint-causation-id',
  /** Set on dead letters: the error that exhausted the retries. */
  error: 'workpoint-error',
  /** Set on dead letters: the topic the message came from. */
  sourceTopic: 'workpoint-source-topic',
} as const;
