import { INDEXED_ITEMS, NON_INDEXED_ITEMS } from './item-catalogue';
import { ITEM_TYPES } from './item-types';
import { type ItemCheck, type ItemToCheck, validateItemValue } from './item-value.validator';

const ok = (...warnings: string[]): ItemCheck => ({ ok: true, warnings });
const rejected = (errors: string[], warnings: string[] = []): ItemCheck => ({ ok: false, errors, warnings });

describe('validateItemValue', () => {
  // [what, item, expected verdict]
  const cases: [string, ItemToCheck, ItemCheck][] = [
    // Values the catalogue allows.
    ['an integer inside the range', { name: 'sntp-tz-offset', value: '-60' }, ok()],
    ['the lowest allowed integer', { name: 'registration-backoff-timer', value: '60' }, ok()],
    ['the highest allowed integer', { name: 'vlan-id', value: '4095' }, ok()],
    ['a boolean', { name: 'qos-layer2', value: 'false' }, ok()],
    ['an enum member', { name: 'pwd-retries', value: '0' }, ok()],
    ['a string at its maximum length, counted in characters', { name: 'key-label-unicode', index: 1, value: 'ä😀'.repeat(12) }, ok()],
    ['an index inside the stated range', { name: 'codec-rank', index: 3, value: '1' }, ok()],
    ['base64 wrapped over lines', { name: 'userdata-phonebook', index: 1, value: 'QUJD\nREVG+/==' }, ok()],
    ['a string without constraints', { name: 'sip-pwd', value: 'any thing at all' }, ok()],
    ['null (clearing) on a constrained item', { name: 'transaction-timer', value: null }, ok()],
    ['the empty text (clearing) on a constrained item', { name: 'pwd-retries', value: '' }, ok()],

    // Unknown names: a warning only, the catalogue is incomplete.
    ['an unknown item', { name: 'no-such-item', value: 'x' }, ok('no-such-item: not in the item catalogue')],
    [
      'a name in the wrong case',
      { name: 'Enable-wbm', value: 'true' },
      ok('Enable-wbm: not in the item catalogue (names are case-sensitive: enable-WBM?)'),
    ],

    // Access.
    ['a read-only item', { name: 'device-type', value: 'OpenStage 60' }, rejected(['device-type: is read-only'])],
    ['clearing a read-only item', { name: 'device-type', value: null }, rejected(['device-type: is read-only'])],
    ['an item read-only by inference only', { name: 'software-version', value: 'V3 R5.12.0' }, ok('software-version: is read-only')],
    [
      'an action parameter',
      { name: 'restart-type', value: 'FactoryReset' },
      ok('restart-type: is a parameter of an action, not a stored setting'),
    ],

    // Wrong shape, certainty A or B: errors.
    ['a non-integer (A)', { name: 'transaction-timer', value: '12.5' }, rejected(['transaction-timer: "12.5" is not an integer'])],
    [
      'an integer below the minimum (A)',
      { name: 'registration-backoff-timer', value: '59' },
      rejected(['registration-backoff-timer: 59 is below the minimum 60']),
    ],
    ['an integer above the maximum (B)', { name: 'vlan-id', value: '4096' }, rejected(['vlan-id: 4096 is above the maximum 4095'])],
    ['a boolean that is not true/false (B)', { name: 'qos-layer2', value: 'yes' }, rejected(['qos-layer2: "yes" is not true or false'])],
    ['a value outside the enum (A)', { name: 'pwd-retries', value: '1' }, rejected(['pwd-retries: "1" is not one of 0, 2, 3, 4, 5'])],
    [
      'a string over its maximum length (A)',
      { name: 'XML-app-name', index: 1, value: 'a'.repeat(21) },
      rejected([`XML-app-name: "${'a'.repeat(21)}" is 21 characters long, more than the maximum 20`]),
    ],
    [
      'non-base64 in a secret item, value withheld (A)',
      { name: 'wbm-server-certificate', value: 'pa$$word' },
      rejected(['wbm-server-certificate: the value is not base64']),
    ],

    // Wrong shape where the catalogue is uncertain: warnings.
    [
      'a non-integer (C)',
      { name: 'line-hunt-sequence', index: 1, value: 'x' },
      ok('line-hunt-sequence: "x" is not an integer'),
    ],
    [
      'out of range where the sources conflict (B)',
      { name: 'sntp-tz-offset', value: '99999' },
      ok('sntp-tz-offset: 99999 is above the maximum 720'),
    ],
    [
      'outside the enum where the sources conflict (B)',
      { name: 'hot-keypad-dialing', value: 'false' },
      ok('hot-keypad-dialing: "false" is not one of 0, 1'),
    ],
    ['a type that is only inferred (A)', { name: 'gigabit-ethernet', value: 'yes' }, ok('gigabit-ethernet: "yes" is not true or false')],

    // Index, certainty A or B: errors.
    ['an index missing on an indexed item (A)', { name: 'XML-app-name', value: 'app' }, rejected(['XML-app-name: needs an index (multi-valued item)'])],
    [
      'an index on a single-valued item (B)',
      { name: 'vlan-id', index: 1, value: '10' },
      rejected(['vlan-id: takes no index (single-valued item), got 1']),
    ],
    ['an index above the stated range (B)', { name: 'codec-rank', index: 4, value: '1' }, rejected(['codec-rank: index 4 is outside 1..3'])],
    ['an index below the stated range (B)', { name: 'codec-rank', index: 0, value: '1' }, rejected(['codec-rank: index 0 is outside 1..3'])],
    [
      'an index that is no whole number, on any item',
      { name: 'line-primary', index: -1, value: 'true' },
      rejected(['line-primary: index -1 is not a whole number of 0 or more']),
    ],

    // Index where the catalogue is uncertain: warnings.
    ['an index missing (C)', { name: 'line-primary', value: 'true' }, ok('line-primary: needs an index (multi-valued item)')],
    [
      'an index where the sources conflict (A)',
      { name: 'ldap-server-address', index: 1, value: 'ldap.example.com' },
      ok('ldap-server-address: takes no index (single-valued item), got 1'),
    ],

    // Several findings at once.
    [
      'errors and warnings together',
      { name: 'codec-rank', index: 9, value: '0' },
      rejected(['codec-rank: index 9 is outside 1..3', 'codec-rank: 0 is below the minimum 1']),
    ],
    [
      'an action parameter with a wrong value',
      { name: 'file-action', index: 1, value: 'remove' },
      rejected(['file-action: "remove" is not one of deploy, delete'], ['file-action: is a parameter of an action, not a stored setting']),
    ],
  ];

  it.each(cases)('%s', (_what, item, expected) => {
    expect(validateItemValue(item)).toEqual(expected);
  });
});

describe('ITEM_TYPES (generated)', () => {
  it('lists exactly the items of the catalogue, with the same indexed flag', () => {
    const indexed = [...ITEM_TYPES].filter(([, f]) => f.indexed).map(([n]) => n);
    const single = [...ITEM_TYPES].filter(([, f]) => !f.indexed).map(([n]) => n);
    expect(indexed.sort()).toEqual([...INDEXED_ITEMS].sort());
    expect(single.sort()).toEqual([...NON_INDEXED_ITEMS].sort());
  });

  it('carries the facts the validator needs', () => {
    expect(ITEM_TYPES.get('sntp-tz-offset')).toEqual({ type: 'integer', indexed: false, certainty: 'B', min: -720, max: 720, conflict: true });
    expect(ITEM_TYPES.get('sip-pwd')).toEqual({ type: 'string', indexed: false, certainty: 'B', secret: true });
  });
});
