import { randomUUID } from 'node:crypto';
import { ConfigurationJobRequestedTopic, DeploymentJobRequestedTopic, JobRequestedSchema } from './job.events';

const command = (action: string, items?: Array<{ name: string; value: string | null; index?: number }>) => ({
  requestId: randomUUID(),
  mac: '00:1A:E8:00:00:01',
  action,
  ...(items ? { items } : {}),
  requestedBy: 'spec',
});
const FILE = [
  { name: 'file-https-base-url', value: 'https://files.example/ring.wav' },
  { name: 'file-type', value: 'RINGTONE' },
];
const FIRMWARE = [
  { name: 'file-https-base-url', value: 'https://files.example/OS_60_SIP.img' },
  { name: 'file-type', value: 'APP' },
  { name: 'file-sw-type', value: 'Siemens SIP' },
  { name: 'file-sw-version', value: 'V3 R5.15.0' },
  { name: 'file-priority', value: 'immediate' },
];
const FACTORY_RESET = [
  { name: 'restart-type', value: 'FactoryReset' },
  { name: 'restart-password', value: '124816' },
];
const without = (items: typeof FIRMWARE, name: string) => items.filter((i) => i.name !== name);
const issuesOf = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) => result.error?.issues.map((i) => i.message).join('; ') ?? '';

describe('configuration.job.requested.v1', () => {
  const parse = (value: unknown) => ConfigurationJobRequestedTopic.schema.safeParse(value);

  it.each([
    ['ReadItems of named items', command('ReadItems', [{ name: 'reg-addr', value: null }])],
    ['WriteItems', command('WriteItems', [{ name: 'sntp-tz-offset', value: '60' }])],
    ['a plain Restart without items', command('Restart')],
    ['a plain Restart with an empty item list', command('Restart', [])],
    ['a factory reset', command('Restart', FACTORY_RESET)],
  ])('accepts %s', (_name, value) => {
    const result = parse(value);
    expect(issuesOf(result)).toBe('');
    expect(result.data).toMatchObject({ contactMe: true, items: expect.any(Array) });
  });

  it.each([
    ['a SoftwareDeployment (deployment\'s)', command('SoftwareDeployment', FIRMWARE), /Invalid discriminator value. Expected 'ReadItems' \| 'WriteItems' \| 'Restart'/],
    ['a FileDeployment (deployment\'s)', command('FileDeployment', FILE), /Invalid discriminator value/],
    ['ReadAllItems (inventory\'s)', command('ReadAllItems'), /Invalid discriminator value/],
    ['CleanUp (the pipeline\'s)', command('CleanUp'), /Invalid discriminator value/],
    ['an unknown action', command('Reboot'), /Invalid discriminator value/],
    ['ReadItems without items', command('ReadItems', []), /too small|>=1/i],
    ['WriteItems without items', command('WriteItems'), /expected array/],
    ['a Restart with other items', command('Restart', [{ name: 'sntp-tz-offset', value: '60' }]), /only restart-type and restart-password/],
    ['a Restart of another type', command('Restart', [{ name: 'restart-type', value: 'Reboot' }, { name: 'restart-password', value: 'x' }]), /FactoryReset/],
    ['a factory reset without its password', command('Restart', [{ name: 'restart-type', value: 'FactoryReset' }]), /restart-password/],
    ['a restart-password alone', command('Restart', [{ name: 'restart-password', value: '124816' }]), /FactoryReset/],
  ])('refuses %s', (_name, value, why) => {
    const result = parse(value);
    expect(result.success).toBe(false);
    expect(issuesOf(result)).toMatch(why);
  });
});

describe('deployment.job.requested.v1', () => {
  const parse = (value: unknown) => DeploymentJobRequestedTopic.schema.safeParse(value);

  it.each([
    ['a FileDeployment by URL', command('FileDeployment', FILE)],
    ['a FileDeployment by name on a file server', command('FileDeployment', [{ name: 'file-server', value: 'files.example' }, { name: 'file-name', value: 'logo.png' }, { name: 'file-type', value: 'LOGO' }])],
    ['a SoftwareDeployment with its image and firmware items', command('SoftwareDeployment', FIRMWARE)],
  ])('accepts %s', (_name, value) => {
    expect(issuesOf(parse(value))).toBe('');
  });

  it.each([
    ['a WriteItems (configuration\'s)', command('WriteItems', [{ name: 'sntp-tz-offset', value: '60' }]), /Invalid discriminator value. Expected 'FileDeployment' \| 'SoftwareDeployment'/],
    ['a Restart (configuration\'s)', command('Restart'), /Invalid discriminator value/],
    ['a FileDeployment without items', command('FileDeployment', []), /too small|>=1/i],
    ['a FileDeployment without the file', command('FileDeployment', [{ name: 'file-type', value: 'RINGTONE' }]), /file-https-base-url or file-name/],
    ['a SoftwareDeployment without items', command('SoftwareDeployment', []), /file-https-base-url or file-name.*file-sw-type is required.*file-sw-version is required.*file-priority is required/],
    ['a SoftwareDeployment without file-sw-version', command('SoftwareDeployment', without(FIRMWARE, 'file-sw-version')), /^file-sw-version is required$/],
    ['a SoftwareDeployment without file-sw-type', command('SoftwareDeployment', without(FIRMWARE, 'file-sw-type')), /^file-sw-type is required$/],
    ['a SoftwareDeployment without file-priority', command('SoftwareDeployment', without(FIRMWARE, 'file-priority')), /^file-priority is required$/],
    ['a SoftwareDeployment without the image', command('SoftwareDeployment', without(FIRMWARE, 'file-https-base-url')), /^file-https-base-url or file-name is required$/],
  ])('refuses %s', (_name, value, why) => {
    const result = parse(value);
    expect(result.success).toBe(false);
    expect(issuesOf(result)).toMatch(why);
  });
});

describe('JobRequestedSchema (the shape both topics share)', () => {
  it('still takes any queueable action, so the operator API documents one command body', () => {
    expect(JobRequestedSchema.safeParse(command('SoftwareDeployment')).success).toBe(true);
    expect(JobRequestedSchema.safeParse(command('ReadAllItems')).success).toBe(false);
  });
});
