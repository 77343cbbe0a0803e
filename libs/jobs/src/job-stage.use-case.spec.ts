import { relatedItemsTogether, sameVersion } from './job-stage.use-case';

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

describe('relatedItemsTogether', () => {
  const key = (index: number, name: string) => ({ name, index, value: `${name}-${index}` });

  it('puts each related group in one run, at the place of its first item, keeping the rest in order', () => {
    const items = [
      key(1, 'function-key-def'),
      { name: 'sntp-addr', value: 'ntp' },
      key(3, 'function-key-def'),
      key(1, 'key-label'),
      { name: 'vlan-id', value: '3' },
      key(3, 'key-label'),
    ];
    expect(relatedItemsTogether(items)).toEqual([
      key(1, 'function-key-def'),
      key(1, 'key-label'),
      { name: 'sntp-addr', value: 'ntp' },
      key(3, 'function-key-def'),
      key(3, 'key-label'),
      { name: 'vlan-id', value: '3' },
    ]);
  });

  it('leaves items without relations as they are', () => {
    const items = [{ name: 'b', value: '1' }, { name: 'a', value: '2' }];
    expect(relatedItemsTogether(items)).toEqual(items);
  });
});
