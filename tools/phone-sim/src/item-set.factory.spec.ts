import { basicItems, fullItemSet } from './item-set.factory';

describe('item sets', () => {
  const mac = '00:1A:E8:00:00:01';

  it('start-up carries the basic items, mac-addr included', () => {
    const names = basicItems({ mac }).map((item) => item.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'device-type',
        'related-device-type',
        'software-type',
        'software-version',
        'contact-me-uri',
        'mac-addr',
        'e164',
        'configuration-changed-flag',
        'part-number',
        'user-pwd-unicode',
      ]),
    );
  });

  it('has exactly itemCount items (200 by default) and no mac-addr', () => {
    expect(fullItemSet({ mac })).toHaveLength(200);
    expect(fullItemSet({ mac, itemCount: 57 })).toHaveLength(57);
    expect(fullItemSet({ mac, itemCount: 2000 })).toHaveLength(2000);
    expect(fullItemSet({ mac, itemCount: 2000 }).some((item) => item.name === 'mac-addr')).toBe(false);
  });

  it('never drops basic items, even for tiny counts', () => {
    expect(fullItemSet({ mac, itemCount: 0 })).toEqual(basicItems({ mac }).filter((item) => item.name !== 'mac-addr'));
  });

  it('holds the indexed groups of a real phone in the default set', () => {
    const items = fullItemSet({ mac });
    const indices = (name: string): number[] => items.filter((item) => item.name === name).map((item) => item.index!);
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009];
    expect(indices('function-key-def')).toEqual(keys);
    expect(indices('key-label')).toEqual(keys);
    expect(indices('codec-type')).toEqual([1, 2, 3]);
    expect(indices('codec-rank')).toEqual([1, 2, 3]);
    expect(indices('locked-config-menus')).toHaveLength(66);
  });

  it('has no duplicate name/index pairs', () => {
    const items = fullItemSet({ mac, itemCount: 1000 });
    const keys = new Set(items.map((item) => `${item.name}#${item.index ?? ''}`));
    expect(keys.size).toBe(items.length);
  });

  it('is deterministic per MAC and differs between MACs', () => {
    expect(fullItemSet({ mac })).toEqual(fullItemSet({ mac: mac.toLowerCase() }));
    const other = fullItemSet({ mac: '00:1A:E8:00:00:02' });
    expect(other).not.toEqual(fullItemSet({ mac }));
    expect(other.find((item) => item.name === 'e164')?.value).not.toBe(
      fullItemSet({ mac }).find((item) => item.name === 'e164')?.value,
    );
  });

  it('reports the identity it was given', () => {
    const items = fullItemSet({ mac, e164: '123', deviceType: 'OpenStage 40', softwareVersion: 'V3 R1.41.1' });
    const value = (name: string): string | null | undefined => items.find((item) => item.name === name)?.value;
    expect([value('e164'), value('device-type'), value('software-version')]).toEqual(['123', 'OpenStage 40', 'V3 R1.41.1']);
  });
});
