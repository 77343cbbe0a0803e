import { contactOf, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import { sameVersion, settleSoftwareDeployment } from './software-deployment.settlement';

describe('settleSoftwareDeployment', () => {
  const job = sentJob('SoftwareDeployment', [
    { name: 'file-https-base-url', value: 'https://files.example/fw.img' },
    { name: 'file-sw-version', value: '3.5.12.0' },
  ]);
  const reporting = (version: string, message: Parameters<typeof contactOf>[0] = { reason: 'start-up' }) =>
    contactOf({ ...message, items: [{ name: 'software-version', value: version }] });

  it('accepts the job when a later contact reports the wanted version', () => {
    expect(settleSoftwareDeployment(job, reporting('V3 R5.12.0'))).toBe('accepted');
    expect(settleSoftwareDeployment(job, reporting('V3 R5.12.0', { reason: 'solicited' }))).toBe('accepted');
  });

  it('fails the job when the first word after the reboot reports another version', () => {
    expect(settleSoftwareDeployment(job, reporting('V3 R5.11.0'))).toBe('failed');
    expect(settleSoftwareDeployment(job, reporting('V3 R5.11.0', { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } }))).toBe('failed');
  });

  it('leaves the job out on a contact that is not the phone\'s first word after a reboot', () => {
    expect(settleSoftwareDeployment(job, reporting('V3 R5.11.0', { reason: 'solicited' }))).toBeUndefined();
    expect(settleSoftwareDeployment(job, contactOf({ reason: 'start-up' }))).toBeUndefined();
  });

  it('leaves the job out within the interaction it was sent in (the phone reboots after it)', () => {
    expect(settleSoftwareDeployment(job, contactOf({ reason: 'start-up', items: [{ name: 'software-version', value: 'V3 R5.12.0' }] }, job.sentInInteraction!))).toBeUndefined();
  });

  it('leaves a job without file-sw-version out', () => {
    expect(settleSoftwareDeployment(sentJob('SoftwareDeployment', []), reporting('V3 R5.12.0'))).toBeUndefined();
  });
});

describe('sameVersion', () => {
  it.each([
    ['V3 R5.12.0', '3.5.12.0', true],
    ['V1 R4.9.0', '1.4.9.0', true],
    ['V3 R5.12.0', 'V3 R5.12.0', true],
    ['V3 R5.12.0', '3.5.12', true],
    ['V3 R5.12.0', '3.5.13.0', false],
    ['V3 R5.1.0', '3.5.12.0', false],
    ['unknown', '3.5.12.0', false],
  ])('%s vs %s → %s', (reported, wanted, same) => {
    expect(sameVersion(reported, wanted)).toBe(same);
  });
});
