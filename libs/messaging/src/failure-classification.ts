import { BusValidationError } from './bus';

/**
 * What retrying the same message can achieve:
 * - `transient`: a dependency is down or busy (PostgreSQL restarting, a lock, the broker
 *   unreachable); the same message will succeed later, so it is retried for as long as that
 *   lasts and never dead-lettered.
 * - `permanent`: the message itself is at fault (schema, bad data); no retry can
 *   fix it, so it is dead-lettered at once.
 * - `unknown`: anything else; keeps the bounded retries (HANDLER_ATTEMPTS) of before.
 */
export type FailureClass = 'transient' | 'permanent' | 'unknown';

/**
 * A handler's failure as its Kafka edge classified it from its module's coded error (an
 * exhaustive switch over the module's codes): a transient one is retried for as long as it
 * lasts, a permanent one is dead-lettered at once and its failure path runs. `code` is the
 * module's own code (rejection events carry it as their reason); `cause` the module's error.
 */
export class ClassifiedFailure extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    readonly code: string,
    cause: Error,
  ) {
    super(cause.message, { cause });
    this.name = 'ClassifiedFailure';
  }
}

/** Socket errors (Node errno codes) of a dependency that is down or restarting. */
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** PostgreSQL SQLSTATEs (appendix A of its manual) that a later retry of the same statement survives. */
const TRANSIENT_SQLSTATE = new Set([
  '57P01', // admin_shutdown: the server is being stopped
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
]);
const TRANSIENT_SQLSTATE_CLASSES = new Set([
  '08', // connection_exception
]);
const PERMANENT_SQLSTATE_CLASSES = new Set([
  '22', // data_exception: the value is bad
]);
// Class 23 (integrity_constraint_violation) is deliberately `unknown`: a unique or foreign-key
// violation is as often two contacts of one phone racing (check, then insert) as a bad message,
// and the bounded retries of before settle the race where a dead letter would lose the work.

/**
 * Messages of node-postgres / pg-pool that carry no code: the server went away under an open
 * connection, or no connection could be had in time.
 */
const TRANSIENT_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /^Client has encountered a connection error/];

/** How far wrapped causes are followed (TypeORM's driverError, Error.cause, kafkajs's originalError…). */
const MAX_DEPTH = 5;

/**
 * Classifies a handler's failure. Pure: it looks only at the error (and the errors it wraps),
 * never at the clock or the world. The outermost error with a verdict decides.
 */
export function classifyFailure(error: unknown): FailureClass {
  return classify(error, 0);
}

function classify(error: unknown, depth: number): FailureClass {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return 'unknown';
  const own = classifyOne(error);
  if (own !== 'unknown') return own;
  for (const inner of wrapped(error)) {
    const verdict = classify(inner, depth + 1);
    if (verdict !== 'unknown') return verdict;
  }
  return 'unknown';
}

/**
 * A module's coded error (ConfigurationError, InventoryError, SealedValueError, the WPI codec's,
 * MessagingError…): an Error with its module's `code` that says its own kind.
 */
export interface CodedFailure {
  readonly code: string;
  readonly kind: 'transient' | 'permanent';
}

function ownKind(error: object): CodedFailure['kind'] | undefined {
  const { code, kind } = error as Partial<CodedFailure>;
  return error instanceof Error && typeof code === 'string' && (kind === 'transient' || kind === 'permanent') ? kind : undefined;
}

function classifyOne(error: object): FailureClass {
  if (error instanceof ClassifiedFailure) return error.kind;
  const own = ownKind(error);
  if (own) return own;
  if (error instanceof BusValidationError) return 'permanent';
  const { name, code, message, retriable } = error as { name?: unknown; code?: unknown; message?: unknown; retriable?: unknown };
  if (name === 'ZodError') return 'permanent';
  // kafkajs marks every error it raises retriable or not; its "retries exceeded" error is not
  // retriable itself but says nothing of its cause, which wrapped() lets decide.
  if (typeof name === 'string' && name.startsWith('KafkaJS') && retriable === true) return 'transient';
  if (typeof code === 'string') {
    if (TRANSIENT_ERRNO.has(code) || TRANSIENT_SQLSTATE.has(code)) return 'transient';
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const sqlClass = code.slice(0, 2);
      if (TRANSIENT_SQLSTATE_CLASSES.has(sqlClass)) return 'transient';
      if (PERMANENT_SQLSTATE_CLASSES.has(sqlClass)) return 'permanent';
    }
  }
  if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return 'transient';
  return 'unknown';
}

function wrapped(error: object): unknown[] {
  const { driverError, cause, originalError, errors } = error as { driverError?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  return [driverError, cause, originalError, ...(Array.isArray(errors) ? errors.slice(0, 8) : [])].filter((e) => e !== undefined && e !== error);
}
