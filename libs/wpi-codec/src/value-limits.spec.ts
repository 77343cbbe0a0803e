import { ITEM_TYPES } from './item-types';
import { DEFAULT_MAX_ITEM_VALUE_CHARS, itemValueLimit, valueLimitBreach } from './value-limits';
import type { WorkpointMessage, WpiItem } from './wpi-types';

function message(items: WpiItem[], overrides: Partial<WorkpointMessage> = {}): WorkpointMessage {
  return { nonce: 'ABC', maxItems: -1, reason: 'start-up', items, ...overrides };
}

const CAP = DEFAULT_MAX_ITEM_VALUE_CHARS;

describe('itemValueLimit', () => {
  it.each([
    ['the catalogue maxLength', 'display-id', 24],
    ['the column for an item the catalogue gives no maxLength', 'device-type', 128],
    ['software-version, stored in varchar(64)', 'software-version', 64],
    ['e164, stored in varchar(64)', 'e164', 64],
    ['contact-me-uri: catalogue and column agree', 'contact-me-uri', 255],
    ['the overall cap for a catalogue item without one', 'userdata-phonebook', CAP],
    ['the overall cap for an unknown item', 'no-such-item', CAP],
  ])('is %s', (_what, name, limit) => {
    expect(itemValueLimit(name, CAP)).toBe(limit);
  });

  it('never exceeds the overall cap', () => {
    expect(itemValueLimit('device-type', 100)).toBe(100);
  });

  it('is at least 1 for every catalogue item', () => {
    expect([...ITEM_TYPES.keys()].filter((name) => itemValueLimit(name, CAP) < 1)).toEqual([]);
  });
});

describe('valueLimitBreach', () => {
  it('passes a start-up with values at their limits', () => {
    const items: WpiItem[] = [
      { name: 'device-type', value: 'x'.repeat(128) },
      { name: 'contact-me-uri', value: `http://10.0.0.1/${'x'.repeat(255 - 16)}` },
      { name: 'function-key-def', index: 4003, value: '0' },
      { name: 'userdata-phonebook', index: 1, value: 'A'.repeat(CAP) },
      { name: 'user-pwd-unicode', status: 'failed', value: null },
    ];
    expect(valueLimitBreach(message(items), CAP)).toBeUndefined();
  });

  it.each([
    ['device-type over its column', [{ name: 'device-type', value: 'x'.repeat(129) }], {}, 'value-too-long: item "device-type" value is 129 characters, limit 128'],
    ['contact-me-uri over 255', [{ name: 'contact-me-uri', value: `http://a/${'x'.repeat(300)}` }], {}, 'value-too-long: item "contact-me-uri" value is 309 characters, limit 255'],
    ['display-id over the catalogue maxLength', [{ name: 'display-id', value: 'x'.repeat(25) }], {}, 'value-too-long: item "display-id" value is 25 characters, limit 24'],
    ['an unknown item over the overall cap', [{ name: 'x-blob', value: 'A'.repeat(CAP + 1) }], {}, `value-too-long: item "x-blob" value is ${CAP + 1} characters, limit ${CAP}`],
    ['an item name of 65 characters', [{ name: 'n'.repeat(65), value: '1' }], {}, 'value-too-long: item #1 has a name of 65 characters; limit 64 of [A-Za-z0-9._-]'],
    ['an item name with odd characters', [{ name: 'ok', value: '1' }, { name: 'a b<', value: '1' }], {}, 'value-too-long: item #2 has a name of 4 characters; limit 64 of [A-Za-z0-9._-]'],
    ['an index over 65535', [{ name: 'function-key-def', index: 65_536, value: '0' }], {}, 'value-too-long: item "function-key-def" has index 65536, limit 65535'],
    ['an item status over 64', [{ name: 'e164', status: 's'.repeat(65), value: null }], {}, 'value-too-long: item "e164" has a status of 65 characters, limit 64'],
    ['a reason over 64', [], { reason: 'r'.repeat(65) }, 'value-too-long: ReasonForContact is 65 characters, limit 64'],
    ['a reply-to action over 32', [], { reason: 'reply-to', replyTo: { action: 'A'.repeat(33), status: 'accepted' } }, 'value-too-long: reply-to action is 33 characters, limit 32'],
    ['a reply-to status over 32', [], { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 's'.repeat(33) } }, 'value-too-long: reply-to status is 33 characters, limit 32'],
  ] as const)('refuses %s, naming it and the limit', (_what, items, overrides, refusal) => {
    expect(valueLimitBreach(message([...items], overrides), CAP)).toBe(refusal);
  });

  it('never quotes the value', () => {
    const refusal = valueLimitBreach(message([{ name: 'device-type', value: `secret-${'x'.repeat(200)}` }]), CAP);
    expect(refusal).not.toContain('secret');
  });
});
