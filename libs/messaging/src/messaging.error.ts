/**
 * Why the delivery of a message ended without its handler succeeding:
 * - `invalid-message`: not JSON, or it breaks its topic's schema; the handler never saw it.
 * - `permanent-failure`: the handler failed on a permanent error (classifyFailure): the
 *   message itself is at fault (a command for an unknown action, bad data).
 * - `attempts-exhausted`: the handler failed on an unclassified error on every attempt.
 * - `deadline-passed`: a transient failure outlasted the message's `retryUntil`.
 * - `bus-closing`: the bus closed while the message waited for a retry; it is not done and
 *   will be delivered again (the only transient one).
 */
export type MessagingErrorCode = 'invalid-message' | 'permanent-failure' | 'attempts-exhausted' | 'deadline-passed' | 'bus-closing';

/** The codes that end a message for good: it is dead-lettered and its sender told (Subscription.onRejected). */
export type RejectionCode = Exclude<MessagingErrorCode, 'bus-closing'>;

const KIND: Record<MessagingErrorCode, 'transient' | 'permanent'> = {
  'invalid-message': 'permanent',
  'permanent-failure': 'permanent',
  'attempts-exhausted': 'permanent',
  'deadline-passed': 'permanent',
  'bus-closing': 'transient',
};

/** The messaging module's coded error; `cause` is the handler's own error where there is one. */
export class MessagingError<C extends MessagingErrorCode = MessagingErrorCode> extends Error {
  readonly kind: 'transient' | 'permanent';

  constructor(
    readonly code: C,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MessagingError';
    this.kind = KIND[code];
  }
}
