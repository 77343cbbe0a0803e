import { contactOf, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import { RestartSettlement } from './restart.settlement';

describe('RestartSettlement', () => {
  const settlement = new RestartSettlement();

  it('accepts a Restart on any contact of a later interaction: the phone went through its reboot', () => {
    expect(settlement.settle(sentJob('Restart'), contactOf({ reason: 'start-up' }))).toBe('accepted');
    expect(settlement.settle(sentJob('Restart'), contactOf({ reason: 'solicited' }))).toBe('accepted');
  });

  it('leaves a Restart out while the interaction it was sent in goes on', () => {
    const job = sentJob('Restart');
    expect(settlement.settle(job, contactOf({ reason: 'reply-to' }, job.sentInInteraction!))).toBeUndefined();
  });

  it('settles no other action', () => {
    expect(settlement.settle(sentJob('SoftwareDeployment', [{ name: 'file-sw-version', value: '3.5.12.0' }]), contactOf({ reason: 'start-up' }))).toBeUndefined();
  });
});
