import { contactOf, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import { settleFileDeployment } from './file-deployment.settlement';

const status = (name: string, state: string, type?: string, index = 1) => [
  { name: 'file-deployment-name', value: name, index },
  ...(type ? [{ name: 'file-deployment-type', value: type, index }] : []),
  { name: 'file-deployment-status', value: state, index },
];

describe('settleFileDeployment', () => {
  const job = sentJob('FileDeployment', [
    { name: 'file-https-base-url', value: 'https://files.example/logo.png' },
    { name: 'file-type', value: 'LOGO' },
  ]);

  it('accepts or fails the job by the status the phone reports for its file', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: status('logo.png', 'ok', 'LOGO') }))).toBe('accepted');
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: status('logo.png', 'failed', 'LOGO') }))).toBe('failed');
  });

  it('settles on a status within the interaction the job was sent in (§6.7, Q7)', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: status('logo.png', 'ok') }, job.sentInInteraction!))).toBe('accepted');
  });

  it('matches the file by file-name when the job gives one, and finds it among several entries', () => {
    const named = sentJob('FileDeployment', [{ name: 'file-https-base-url', value: 'https://files.example/x' }, { name: 'file-name', value: 'ring.wav' }]);
    const items = [...status('logo.png', 'failed', undefined, 1), ...status('ring.wav', 'ok', undefined, 2)];
    expect(settleFileDeployment(named, contactOf({ reason: 'status', items }))).toBe('accepted');
  });

  it('settles nothing on a status for another file, another type, or without a status value', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: status('other.png', 'ok') }))).toBeUndefined();
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: status('logo.png', 'ok', 'RINGTONE') }))).toBeUndefined();
    expect(settleFileDeployment(job, contactOf({ reason: 'status', items: [{ name: 'file-deployment-name', value: 'logo.png', index: 1 }] }))).toBeUndefined();
  });

  it('settles nothing on a contact that is not a status message', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'solicited', items: status('logo.png', 'ok') }))).toBeUndefined();
  });

  it('sends the job again when the phone starts up in a later interaction instead of reporting the file (it never got it, or lost it)', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'start-up' }))).toBe('send-again');
    expect(settleFileDeployment(job, contactOf({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } }))).toBe('send-again');
  });

  it('keeps waiting for the status within the interaction the job went out in, and after other contacts', () => {
    expect(settleFileDeployment(job, contactOf({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } }, job.sentInInteraction!))).toBeUndefined();
    expect(settleFileDeployment(job, contactOf({ reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' } }))).toBeUndefined();
    expect(settleFileDeployment(job, contactOf({ reason: 'local-changes' }))).toBeUndefined();
  });
});
