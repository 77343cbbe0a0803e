import { KafkaJSConnectionError, KafkaJSError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { BusValidationError } from './bus';
import { ClassifiedFailure, type FailureClass, classifyFailure } from './failure-classification';

/** What node-postgres raises for an error response of the server. */
function pgError(code: string, message = 'server error'): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

/** What Node's net module raises when a socket fails. */
function socketError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect', address: '127.0.0.1', port: 5432 });
}

/** kafkajs builds its protocol errors from its table of broker error codes (typed as a plain Error). */
const kafkaProtocolError = (type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable }));
const typeorm = (driverError: Error) => new QueryFailedError('INSERT INTO jobs VALUES ($1)', ['x'], driverError);
const zodError = (() => {
  const parsed = z.object({ mac: z.string() }).safeParse({ mac: 1 });
  if (parsed.success) throw new Error('unreachable');
  return parsed.error;
})();

const cases: Array<[string, unknown, FailureClass]> = [
  // PostgreSQL unreachable or restarting
  ['socket ECONNREFUSED (server down)', socketError('ECONNREFUSED'), 'transient'],
  ['socket ECONNRESET', socketError('ECONNRESET'), 'transient'],
  ['socket ETIMEDOUT', socketError('ETIMEDOUT'), 'transient'],
  ['socket EPIPE', socketError('EPIPE'), 'transient'],
  ['AggregateError of ECONNREFUSED (localhost: ::1 and 127.0.0.1)', new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]), 'transient'],
  ['pg "Connection terminated unexpectedly"', new Error('Connection terminated unexpectedly'), 'transient'],
  ['pg-pool connection timeout', new Error('timeout exceeded when trying to connect'), 'transient'],
  ['08006 connection_failure', pgError('08006'), 'transient'],
  ['08001 sqlclient_unable_to_establish_sqlconnection', pgError('08001'), 'transient'],
  ['57P01 admin_shutdown', pgError('57P01', 'terminating connection due to administrator command'), 'transient'],
  ['57P02 crash_shutdown', pgError('57P02'), 'transient'],
  ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up'), 'transient'],
  ['53300 too_many_connections', pgError('53300'), 'transient'],
  ['40001 serialization_failure', pgError('40001'), 'transient'],
  ['40P01 deadlock_detected', pgError('40P01'), 'transient'],
  ['55P03 lock_not_available', pgError('55P03'), 'transient'],
  ['57014 query_canceled (statement timeout)', pgError('57014'), 'transient'],
  // TypeORM wraps the driver's error
  ['TypeORM QueryFailedError of 57P01', typeorm(pgError('57P01')), 'transient'],
  ['TypeORM QueryFailedError of a lost connection', typeorm(new Error('Connection terminated unexpectedly')), 'transient'],
  ['TypeORM QueryFailedError of 23505 (a race as often as bad input)', typeorm(pgError('23505', 'duplicate key value violates unique constraint')), 'unknown'],
  ['an error caused by ECONNREFUSED', new Error('could not queue the job', { cause: socketError('ECONNREFUSED') }), 'transient'],
  // The broker, when a handler publishes
  ['KafkaJSConnectionError', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), 'transient'],
  ['KafkaJSRequestTimeoutError', new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'), 'transient'],
  ['KafkaJSNumberOfRetriesExceeded of a connection error', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error'), { retryCount: 10, retryTime: 5000 }), 'transient'],
  ['KafkaJSProtocolError NOT_LEADER_FOR_PARTITION', kafkaProtocolError('NOT_LEADER_FOR_PARTITION', 6, true), 'transient'],
  ['KafkaJSNumberOfRetriesExceeded of a non-retriable error', new KafkaJSNumberOfRetriesExceeded(new KafkaJSNonRetriableError('bad'), { retryCount: 10, retryTime: 5000 }), 'unknown'],
  ['KafkaJSProtocolError MESSAGE_TOO_LARGE', kafkaProtocolError('MESSAGE_TOO_LARGE', 10, false), 'unknown'],
  // The message itself is at fault
  ['22P02 invalid_text_representation', pgError('22P02'), 'permanent'],
  ['22001 string_data_right_truncation', pgError('22001'), 'permanent'],
  ['23505 unique_violation', pgError('23505'), 'unknown'],
  ['23503 foreign_key_violation', pgError('23503'), 'unknown'],
  ['BusValidationError (publishing a value that breaks its schema)', new BusValidationError('t.v1', ['mac: required']), 'permanent'],
  ['ZodError', zodError, 'permanent'],
  // Anything else keeps the bounded retries of before
  ['a plain Error', new Error('boom'), 'unknown'],
  ['42P01 undefined_table', pgError('42P01'), 'unknown'],
  ['a string', 'boom', 'unknown'],
  ['undefined', undefined, 'unknown'],
  ['a generic KafkaJSError marked non-retriable', new KafkaJSError('x', { retriable: false }), 'unknown'],
  ['an unrelated code', Object.assign(new Error('nope'), { code: 'ENOENT' }), 'unknown'],
  ['a permanent failure as an edge classified it', new ClassifiedFailure('permanent', 'invalid-event', new Error('x')), 'permanent'],
  ['a transient failure as an edge classified it', new ClassifiedFailure('transient', 'store-unavailable', new Error('x')), 'transient'],
  ['an edge\'s verdict over its cause\'s', new ClassifiedFailure('permanent', 'invalid-event', socketError('ECONNREFUSED')), 'permanent'],
  // A module's coded error says its own kind
  ['a coded error that says it is permanent', Object.assign(new Error('sealed under another key'), { code: 'sealed-value-unreadable', kind: 'permanent' }), 'permanent'],
  ['a coded error that says it is transient', Object.assign(new Error('store down'), { code: 'store-unavailable', kind: 'transient' }), 'transient'],
  ['a coded error wrapped by another error', new Error('re-plan failed', { cause: Object.assign(new Error('x'), { code: 'c', kind: 'permanent' }) }), 'permanent'],
  ['a kind without a code', Object.assign(new Error('x'), { kind: 'permanent' }), 'unknown'],
  ['a plain object that claims a kind', { code: 'c', kind: 'permanent' }, 'unknown'],
];

describe('classifyFailure', () => {
  it.each(cases.map(([name, error, expected]) => ({ name, error, expected })))('$name → $expected', ({ error, expected }) => {
    expect(classifyFailure(error)).toBe(expected);
  });

  it('lets the outermost verdict win over a wrapped one', () => {
    expect(classifyFailure(new BusValidationError('t.v1', ['x']))).toBe('permanent');
    const wrapper = Object.assign(pgError('22P02'), { cause: socketError('ECONNREFUSED') });
    expect(classifyFailure(wrapper)).toBe('permanent');
  });

  it('stops following a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(classifyFailure(a)).toBe('unknown');
  });
});
