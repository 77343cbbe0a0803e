import type { WpiItem } from './wpi-types';
import { itemRef, itemValue, itemWith } from './wpi-item.util';

describe('itemValue', () => {
  const items: WpiItem[] = [
    { name: 'user-pwd-unicode', value: null, status: 'failed' },
    { name: 'function-key-def', index: 1, value: '31' },
    { name: 'function-key-def', value: '59' },
    { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
    { name: 'mac-addr', value: '00:01:E3:00:00:00' },
    { name: 'sntp-addr', value: null },
    { name: 'sntp-addr', value: 'NULL' },
    { name: 'e164', value: '00123' },
  ];

  it.each([
    ['a plain item', 'e164', '00123'],
    ['the first of repeated plain items', 'mac-addr', '00:01:E3:25:EA:13'],
    ['the plain occurrence, skipping indexed ones', 'function-key-def', '59'],
    ['the first non-null value', 'sntp-addr', 'NULL'],
    ['undefined for an item that only failed', 'user-pwd-unicode', undefined],
    ['undefined for an absent item', 'software-version', undefined],
    ['undefined for a different case', 'MAC-ADDR', undefined],
  ])('%s', (_title, name, expected) => {
    expect(itemValue(items, name)).toBe(expected);
  });
});

describe('itemRef', () => {
  it('keeps the name and the index, and nothing else', () => {
    expect(itemRef({ name: 'function-key-def', index: 0, value: '31', status: 'failed' } as WpiItem)).toStrictEqual({ name: 'function-key-def', index: 0 });
  });

  it('has no index key at all for a plain item (not index: undefined)', () => {
    expect(itemRef({ name: 'e164', index: undefined })).toStrictEqual({ name: 'e164' });
    expect(Object.keys(itemRef({ name: 'e164', value: '1' } as WpiItem))).toEqual(['name']);
  });
});

describe('itemWith', () => {
  it('puts the fields after the name and index, in their order', () => {
    const item = itemWith({ name: 'key-label', index: 3 }, { value: 'Desk', policy: 'adopt' });
    expect(item).toStrictEqual({ name: 'key-label', index: 3, value: 'Desk', policy: 'adopt' });
    expect(Object.keys(item)).toEqual(['name', 'index', 'value', 'policy']);
  });

  it('has no index key for a plain item, and leaves the source item as it was', () => {
    const source: WpiItem = { name: 'e164', value: '1' };
    expect(Object.keys(itemWith(source, { value: '2' }))).toEqual(['name', 'value']);
    expect(source).toStrictEqual({ name: 'e164', value: '1' });
  });
});
