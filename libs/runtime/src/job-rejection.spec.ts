import { ConfigurationJobRequestedTopic, JobRejectedSchema } from '@workpoint/contracts';
import { MessagingError, type Rejection, type RejectionCode } from '@workpoint/messaging';
import { jobRejectedOf, jobRejectionCodeOf } from './job-rejection';

const requestId = '7d9f3c1e-2b4a-4c8d-9e6f-1a2b3c4d5e6f';
const rejection = (value: string, code: RejectionCode, cause?: unknown, message?: string): Rejection<unknown> => ({
  raw: { topic: ConfigurationJobRequestedTopic.name, key: '00:1A:E8:00:00:01', value, headers: {} },
  groupId: 'workpoint-configuration',
  error: new MessagingError(code, ConfigurationJobRequestedTopic.name, message ?? 'bad', cause === undefined ? undefined : { cause }),
  attempts: code === 'invalid-message' ? 0 : 1,
});

describe('jobRejectedOf', () => {
  it('carries the requestId of a command that broke its schema elsewhere, the key, the topic and the code', () => {
    const event = jobRejectedOf(rejection(JSON.stringify({ requestId, mac: 'nonsense', action: 'WriteItems' }), 'invalid-message', undefined, 'mac: Invalid'));
    expect(JobRejectedSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({ requestId, mac: '00:1A:E8:00:00:01', sourceTopic: 'configuration.job.requested.v1', code: 'invalid-command', message: 'mac: Invalid' });
    expect(event.reason).toBeUndefined();
  });

  it('has no requestId when the command is not JSON or carries none that is valid', () => {
    expect(jobRejectedOf(rejection('not json', 'invalid-message')).requestId).toBeNull();
    expect(jobRejectedOf(rejection('{"requestId":"r-1"}', 'invalid-message')).requestId).toBeNull();
  });

  it("names the handler's own error code (a SQLSTATE through TypeORM's driverError) and masks secrets in the message", () => {
    const cause = Object.assign(new Error('query failed'), { driverError: { code: '22P02' } });
    const event = jobRejectedOf(rejection('{}', 'permanent-failure', cause, '{"name": "sip-pwd", "value": "hunter2"} refused'));
    expect(event.code).toBe('rejected');
    expect(event.reason).toBe('22P02');
    expect(event.message).not.toContain('hunter2');
  });

  it('gives the same message the same eventId, and another message another one', () => {
    const a = jobRejectedOf(rejection('{"a":1}', 'attempts-exhausted'), new Date(0));
    const again = jobRejectedOf(rejection('{"a":1}', 'attempts-exhausted'), new Date(1000));
    const other = jobRejectedOf(rejection('{"a":2}', 'attempts-exhausted'));
    expect(again.eventId).toBe(a.eventId);
    expect(other.eventId).not.toBe(a.eventId);
  });

  it('bounds the message to what the schema allows', () => {
    expect(JobRejectedSchema.safeParse(jobRejectedOf(rejection('{}', 'permanent-failure', undefined, 'x'.repeat(5000)))).success).toBe(true);
  });
});

describe('jobRejectionCodeOf', () => {
  it.each([
    ['invalid-message', 'invalid-command'],
    ['permanent-failure', 'rejected'],
    ['attempts-exhausted', 'failed'],
    ['deadline-passed', 'expired'],
  ] as const)('maps %s to %s', (code, expected) => {
    expect(jobRejectionCodeOf(code)).toBe(expected);
  });
});
