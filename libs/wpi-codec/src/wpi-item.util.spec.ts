import type { WpiItem } from './wpi-types';
import { itemValue } from './wpi-item.util';

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
