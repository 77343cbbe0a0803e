import {
  FIRMWARE_FAMILIES,
  firmwareFamily,
  firmwareTraits,
  parseSoftwareVersion,
  reportedSoftwareVersion,
  versionFromImageName,
} from './firmware-family.catalog';
import { basicItems } from './item-set.factory';

describe('firmware families', () => {
  const mac = '00:1A:E8:00:00:01';

  it('names every OpenStage model in V1–V3 and the OpenScape Desk Phone CP models', () => {
    const names = FIRMWARE_FAMILIES.map((family) => family.name);
    for (const model of ['15', '20', '40', '60', '80']) {
      for (const generation of ['v1', 'v2', 'v3']) expect(names).toContain(`openstage-${model}-${generation}`);
    }
    expect(names).toEqual(expect.arrayContaining(['cp200-v1', 'cp400-v1', 'cp600-v1']));
    expect(new Set(names).size).toBe(names.length);
    expect(firmwareFamily('CP400-V1')).toEqual({ name: 'cp400-v1', deviceType: 'OpenScape Desk Phone CP400', softwareVersion: 'V1 R5.3.0' });
    expect(() => firmwareFamily('openstage-99-v9')).toThrow(/unknown firmware family "openstage-99-v9"; known: openstage-15-v1/);
  });

  it('reads the phone form and the dotted form of a version', () => {
    expect(parseSoftwareVersion('V3 R5.12.0')).toEqual({ major: 3, release: 5, fix: 12, hotfix: 0 });
    expect(parseSoftwareVersion('V3.1 R0.5')).toEqual({ major: 3, release: 0, fix: 5, hotfix: 0 });
    expect(parseSoftwareVersion('1.4.9.0')).toEqual({ major: 1, release: 4, fix: 9, hotfix: 0 });
    expect(parseSoftwareVersion('latest')).toBeUndefined();
    expect(reportedSoftwareVersion('3.5.12.0')).toBe('V3 R5.12.0');
    expect(reportedSoftwareVersion(' V2 R2.30.0 ')).toBe('V2 R2.30.0');
    expect(reportedSoftwareVersion('beta')).toBe('beta');
    expect(versionFromImageName('OS_80_SIP_V1_R4_9_0.img')).toBe('V1 R4.9.0');
    expect(versionFromImageName('firmware.img')).toBeUndefined();
  });

  it.each([
    ['OpenStage 40', 'V2 R1.9.0', { attachesLocalChanges: false, honoursSendSolicited: false, reportsGigabitEnabled: false }],
    ['OpenStage 40', 'V2 R2.30.0', { attachesLocalChanges: true, honoursSendSolicited: false, reportsGigabitEnabled: false }],
    ['OpenStage 60', 'V3 R1.41.1', { attachesLocalChanges: true, honoursSendSolicited: false, reportsGigabitEnabled: true }],
    ['OpenStage 60', 'V3 R3.0.0', { attachesLocalChanges: true, honoursSendSolicited: true, reportsGigabitEnabled: true }],
    ['OpenScape Desk Phone CP400', 'V1 R5.3.0', { attachesLocalChanges: true, honoursSendSolicited: true, reportsGigabitEnabled: true }],
  ])('%s %s behaves like its generation', (deviceType, version, traits) => {
    expect(firmwareTraits(deviceType, version)).toEqual(traits);
  });

  it('shapes the basic items: identity from the family, gigabit item by generation', () => {
    const old = basicItems({ mac, family: 'openstage-20-v1' });
    const value = (name: string): string | null | undefined => old.find((item) => item.name === name)?.value;
    expect([value('device-type'), value('software-version'), value('related-software-version')]).toEqual(['OpenStage 20', 'V1 R4.9.0', 'V1 R4.9.0']);
    expect(old.filter((item) => item.name.startsWith('gigabit'))).toEqual([{ name: 'gigabit-ethernet', value: null, status: 'failed' }]);

    const cp = basicItems({ mac, family: 'cp600-v1' });
    expect(cp.filter((item) => item.name.startsWith('gigabit'))).toEqual([{ name: 'gigabit-ethernet-enabled', value: 'false' }]);
    expect(cp.find((item) => item.name === 'device-type')?.value).toBe('OpenScape Desk Phone CP600');
  });

  it('lets explicit options win over the family', () => {
    const items = basicItems({ mac, family: 'openstage-80-v3', softwareVersion: 'V3 R1.41.1', deviceType: 'OpenStage 80G' });
    expect(items.find((item) => item.name === 'software-version')?.value).toBe('V3 R1.41.1');
    expect(items.find((item) => item.name === 'device-type')?.value).toBe('OpenStage 80G');
  });
});
