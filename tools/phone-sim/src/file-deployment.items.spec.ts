import { fileStatusItems, planFileDeployment, planSoftwareDeployment, storedFileItems } from './file-deployment.items';

describe('file-deployment items', () => {
  it('reads a single FTP file (G p.53)', () => {
    const plan = planFileDeployment([
      { name: 'file-server', value: '192.168.1.150' },
      { name: 'file-path', value: '/media' },
      { name: 'file-name', value: 'ringtone-phone.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ]);
    expect(plan).toEqual({ multiple: false, priority: 'immediate', files: [{ name: 'ringtone-phone.wav', type: 'RINGTONE', action: 'deploy' }] });
  });

  it('reads a multiple-file job by index, shared plain items applying to every file', () => {
    const plan = planFileDeployment([
      { name: 'file-https-base-url', index: 2, value: 'https://f.test/a/b%20c.png' },
      { name: 'file-type', value: 'LOGO' },
      { name: 'file-priority', value: '0' },
      { name: 'file-name', index: 1, value: 'old.png' },
      { name: 'file-action', index: 1, value: 'delete' },
      { name: 'file-action', index: 2, value: 'deploy' },
    ]);
    expect(plan).toEqual({
      multiple: true,
      priority: 'normal',
      files: [
        { index: 1, name: 'old.png', type: 'LOGO', action: 'delete' },
        { index: 2, name: 'b c.png', type: 'LOGO', action: 'deploy', url: 'https://f.test/a/b%20c.png' },
      ],
    });
  });

  it('reads the version a firmware image will report, from file-sw-version or the image name', () => {
    expect(
      planSoftwareDeployment([
        { name: 'file-name', value: 'OS_80_SIP_V1_R4_9_0.img' },
        { name: 'file-sw-type', value: 'Siemens SIP' },
        { name: 'file-sw-version', value: '1.4.9.0' },
        { name: 'file-priority', value: 'normal' },
      ]),
    ).toEqual({ file: { name: 'OS_80_SIP_V1_R4_9_0.img', type: 'Siemens SIP', action: 'deploy' }, priority: 'normal', version: 'V1 R4.9.0' });
    expect(planSoftwareDeployment([{ name: 'file-name', value: 'OS_60_SIP_V3_R5_14_0.img' }])).toMatchObject({
      file: { type: 'APP' },
      priority: 'immediate',
      version: 'V3 R5.14.0',
    });
    expect(planSoftwareDeployment([{ name: 'file-name', value: 'image.img' }]).version).toBeUndefined();
  });

  it('writes status items plain for one file, indexed for several, and always indexed for stored files', () => {
    const now = new Date(Date.UTC(2008, 5, 10, 15, 35, 52));
    expect(fileStatusItems([{ name: 'x.wav', type: 'RINGTONE', status: 'ok' }], now)).toEqual([
      { name: 'file-deployment-date', value: '10:06:2008' },
      { name: 'file-deployment-time', value: '15:35:52' },
      { name: 'file-deployment-name', value: 'x.wav' },
      { name: 'file-deployment-type', value: 'RINGTONE' },
      { name: 'file-deployment-status', value: 'ok' },
    ]);
    const two = fileStatusItems(
      [
        { name: 'a', type: 'LOGO', status: 'ok' },
        { name: 'b', type: 'MOH', status: 'failed' },
      ],
      now,
    );
    expect(two.map((item) => item.index)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(storedFileItems([{ name: 'a', type: 'LOGO', status: 'ok' }], now).every((item) => item.index === 1)).toBe(true);
  });
});
