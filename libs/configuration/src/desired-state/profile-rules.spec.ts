import { effectiveConfiguration } from '../profiles';
import { checkProfile, findCycle, isKnownItem, type ProfileDraft, unknownPlaceholders } from './profile-rules';
import type { StoredItem } from './stored-profile';

const draft = (partial: Partial<ProfileDraft> = {}): ProfileDraft => ({ name: 'base', layer: 'fleet', selector: null, extends: [], items: [], ...partial });
const withItems = (...items: StoredItem[]) => draft({ items });
const none: ReadonlyMap<string, readonly string[]> = new Map();
const check = (d: ProfileDraft, others = none, secretsKept?: ReadonlySet<string>) => checkProfile(d, others, secretsKept);
const paths = (problems: { path: string }[]) => problems.map((p) => p.path);

describe('checkProfile', () => {
  it('accepts a sound profile without a word', () => {
    const result = check(
      withItems(
        { name: 'reg-addr', value: 'pbx.example.com' },
        { name: 'reg-port', value: '5060' },
        { name: 'vlan-id', value: '20' },
        { name: 'sip-pwd', value: 's3cret' },
        { name: 'display-id', value: null },
        { name: 'function-key-def', index: 1, value: '31' },
        { name: 'function-key-def', index: 2, value: '1' },
        { name: 'key-label', index: 2, value: 'Sales' },
      ),
    );
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  describe('name', () => {
    it.each([['a'], ['Sales_keys.v2-1'], ['0'], ['a'.repeat(128)]])('accepts %p', (name) => {
      expect(check(draft({ name })).errors).toEqual([]);
    });

    it.each([[''], ['-leading-dash'], ['.hidden'], ['with space'], ['slash/name'], ['ümlaut'], ['a'.repeat(129)]])('refuses %p', (name) => {
      expect(paths(check(draft({ name })).errors)).toEqual(['name']);
    });
  });

  describe('selector', () => {
    it.each([
      ['fleet', null],
      ['fleet', undefined],
      ['phone', null],
      ['site', 'Munich'],
      ['model', 'OpenStage 60'],
      ['group', 'sales'],
    ] as const)('a %s profile with selector %p is fine', (layer, selector) => {
      expect(check(draft({ layer, selector })).errors).toEqual([]);
    });

    it.each([
      ['site', null, 'a site profile names the site it applies to'],
      ['site', '', 'a site profile names the site it applies to'],
      ['model', undefined, 'a model profile names the model it applies to'],
      ['group', null, 'a group profile names the tag it applies to'],
      ['fleet', 'Munich', 'a fleet profile has no selector'],
      ['phone', 'sales', 'a phone profile has no selector'],
    ] as const)('a %s profile with selector %p is refused', (layer, selector, message) => {
      expect(check(draft({ layer, selector })).errors).toEqual([{ path: 'selector', message }]);
    });
  });

  describe('items', () => {
    it('refuses an item the catalogue does not know', () => {
      const { errors } = check(withItems({ name: 'reg-port', value: '5060' }, { name: 'sip-srever', value: 'x' }));
      expect(errors).toEqual([{ path: 'items[1].name', message: 'unknown item "sip-srever" (set allowUnknown if the phone knows it)' }]);
    });

    it('only warns about an unknown item marked allowUnknown', () => {
      const { errors, warnings } = check(withItems({ name: 'new-firmware-item', value: 'x', allowUnknown: true }));
      expect(errors).toEqual([]);
      expect(warnings).toEqual([{ path: 'items[0]', message: 'new-firmware-item: not in the item catalogue (allowed by allowUnknown)' }]);
    });

    it('knows plain and indexed catalogue items by name', () => {
      expect([isKnownItem('reg-port'), isKnownItem('function-key-def'), isKnownItem('Reg-Port'), isKnownItem('nope')]).toEqual([true, true, false, false]);
    });

    it('refuses the same item twice, by name and index', () => {
      const { errors } = check(
        withItems(
          { name: 'reg-port', value: '5060' },
          { name: 'function-key-def', index: 1, value: '31' },
          { name: 'function-key-def', index: 2, value: '31' },
          { name: 'reg-port', value: '5061' },
          { name: 'function-key-def', index: 1, value: '1' },
        ),
      );
      expect(errors).toEqual([
        { path: 'items[3]', message: 'reg-port is set twice' },
        { path: 'items[4]', message: 'function-key-def[1] is set twice' },
      ]);
    });

    it('requires a value, where null clears the item', () => {
      expect(check(withItems({ name: 'display-id' })).errors).toEqual([{ path: 'items[0].value', message: 'value is required (null clears the item)' }]);
      expect(check(withItems({ name: 'display-id', value: null })).errors).toEqual([]);
    });

    it.each([
      ['an integer item given text (certainty B)', { name: 'reg-port', value: 'fifty' }, 'reg-port: "fifty" is not an integer'],
      ['an integer above its maximum', { name: 'vlan-id', value: '5000' }, 'vlan-id: 5000 is above the maximum 4095'],
      ['an enum item given another value (certainty A)', { name: 'sip-transport-user', value: '7' }, 'sip-transport-user: "7" is not one of 0, 1, 2'],
      ['an indexed enum outside its set', { name: 'codec-type', index: 1, value: 'g729' }, 'codec-type: "g729" is not one of 0, 1, 2'],
      ['a text longer than allowed', { name: 'display-id', value: 'x'.repeat(25) }, `display-id: "${'x'.repeat(25)}" is 25 characters long, more than the maximum 24`],
      ['an indexed item without an index', { name: 'function-key-def', value: '31' }, 'function-key-def: needs an index (multi-valued item)'],
      ['a plain item with an index', { name: 'reg-port', index: 1, value: '5060' }, 'reg-port: takes no index (single-valued item), got 1'],
      ['an index outside the catalogue range', { name: 'codec-type', index: 4, value: '1' }, 'codec-type: index 4 is outside 1..3'],
      ['a read-only item', { name: 'device-type', value: 'OpenStage 60' }, 'device-type: is read-only'],
      ['a read-only item, even when cleared', { name: 'device-type', value: null }, 'device-type: is read-only'],
    ])('refuses %s where the catalogue is sure', (_, item, message) => {
      expect(check(withItems(item)).errors).toEqual([{ path: 'items[0].value', message }]);
    });

    it.each([
      ['where the sources conflict', { name: 'sntp-tz-offset', value: '9999' }],
      ['of a certainty C item', { name: 'dls-contact-interval', value: 'often' }],
      ['where the type is only inferred', { name: 'gigabit-ethernet', value: 'maybe' }],
    ])('only warns about a wrong value %s', (_, item) => {
      const { errors, warnings } = check(withItems(item));
      expect(errors).toEqual([]);
      expect(warnings).toEqual([expect.objectContaining({ path: 'items[0]', message: expect.stringContaining(item.name) })]);
    });

    it('never repeats a secret value in a message', () => {
      const { errors } = check(withItems({ name: 'wbm-server-certificate', value: 'not base64 at all!' }));
      expect(errors).toEqual([{ path: 'items[0].value', message: 'wbm-server-certificate: the value is not base64' }]);
    });
  });

  describe('secret items', () => {
    it('requires a value for a new secret', () => {
      expect(check(withItems({ name: 'sip-pwd' })).errors).toEqual([{ path: 'items[0].value', message: 'a new secret item needs a value' }]);
    });

    it('accepts a secret without a value when the stored one is kept', () => {
      expect(check(withItems({ name: 'sip-pwd' }), none, new Set(['sip-pwd'])).errors).toEqual([]);
    });

    it('keeps secrets by name and index', () => {
      const { errors } = check(withItems({ name: 'line-sip-pwd', index: 2 }, { name: 'line-sip-pwd', index: 3 }), none, new Set(['line-sip-pwd[2]']));
      expect(errors).toEqual([{ path: 'items[1].value', message: 'a new secret item needs a value' }]);
    });

    it('does not let a kept secret excuse a non-secret item without a value', () => {
      expect(paths(check(withItems({ name: 'reg-addr' }), none, new Set(['reg-addr'])).errors)).toEqual(['items[0].value']);
    });
  });

  describe('placeholders', () => {
    it.each([['{{mac}}'], ['{{ mac-plain }}'], ['{{e164}}'], ['{{user}}@example.com'], ['{{device-type}}'], ['{{site.name}}'], ['{{site.sntp-server}}'], ['{{user}} ({{e164}})']])(
      'only warns about %p, which is checked per phone',
      (value) => {
        expect(check(withItems({ name: 'sip-user-id', value }))).toEqual({ errors: [], warnings: [{ path: 'items[0].value', message: 'templated: checked per phone when delivered' }] });
      },
    );

    it('does not check the shape of a templated value before it is filled', () => {
      expect(check(withItems({ name: 'reg-port', value: '{{site.port}}' })).errors).toEqual([]);
    });

    it('refuses placeholders no phone can fill, naming each', () => {
      const { errors } = check(withItems({ name: 'reg-port', value: '5060' }, { name: 'sip-user-id', value: '{{extension}}-{{site}}-{{mac}}-{{ }}' }));
      expect(errors).toEqual([
        { path: 'items[1].value', message: 'unknown placeholder {{extension}}, {{site}}, {{}}; known: mac, mac-plain, e164, user, device-type, site.<field>' },
      ]);
    });

    it('does not repeat a secret value while refusing its placeholder', () => {
      const { errors } = check(withItems({ name: 'sip-pwd', value: 'pa{{ss}}word' }));
      expect(paths(errors)).toEqual(['items[0].value']);
      expect(JSON.stringify(errors)).not.toContain('ss}}');
    });

    it.each([['{{site.ldap_server}}'], ['{{site.LDAP}}'], ['{{MAC}}']])('refuses %p, which delivery cannot fill either', (value) => {
      expect(paths(check(withItems({ name: 'sip-user-id', value })).errors)).toEqual(['items[0].value']);
    });

    it.each([['{{mac'], ['pre-{{mac}}}}'], ['{{mac}} and {{']])('refuses the malformed template %p', (value) => {
      expect(check(withItems({ name: 'sip-user-id', value })).errors).toEqual([{ path: 'items[0].value', message: expect.stringContaining('malformed') }]);
    });

    // What the save check lets through must be what delivery can fill for a phone with the facts.
    it.each([['{{mac}}'], ['{{ mac-plain }}'], ['{{e164}}'], ['{{user}}@x'], ['{{device-type}}'], ['{{site.name}}'], ['{{site.sntp-server}}'], ['{{site.a.b}}'], ['{{{mac}}}'], ['a}}b'], ['{{site.ldap_server}}'], ['{{mac'], ['x{{mac}}}}'], ['{{}}']])(
      'agrees with effectiveConfiguration about %p',
      (value) => {
        const accepted = check(withItems({ name: 'sip-user-id', value })).errors.length === 0;
        const facts = { mac: '00:1A:E8:00:00:01', e164: '4989', deviceType: 'OpenStage 60', user: 'jdoe', site: { 'name': 'Munich', 'sntp-server': 'x', 'a.b': 'y', 'ldap_server': 'z' } };
        const delivered = effectiveConfiguration([{ id: 'p', name: 'p', layer: 'fleet', items: [{ name: 'sip-user-id', value }] }], facts).ok;
        expect(accepted).toBe(delivered);
      },
    );
  });

  describe('extends', () => {
    const others = new Map<string, readonly string[]>([
      ['sip-base', []],
      ['keys', ['sip-base']],
    ]);

    it('accepts parents that exist, directly or through others', () => {
      expect(check(draft({ name: 'sales', extends: ['keys', 'sip-base'] }), others).errors).toEqual([]);
    });

    it('refuses a parent that does not exist', () => {
      expect(check(draft({ name: 'sales', extends: ['keys', 'ghost'] }), others).errors).toEqual([{ path: 'extends[1]', message: 'no profile named "ghost"' }]);
    });

    it('refuses extending itself', () => {
      expect(check(draft({ name: 'sales', extends: ['sales'] }), others).errors).toEqual([{ path: 'extends', message: 'layering cycle: sales → sales' }]);
    });

    it('refuses a cycle of two', () => {
      const graph = new Map([...others, ['keys', ['sales']]]);
      expect(check(draft({ name: 'sales', extends: ['keys'] }), graph).errors).toEqual([{ path: 'extends', message: 'layering cycle: sales → keys → sales' }]);
    });

    it('refuses a cycle of three through other profiles', () => {
      const graph = new Map<string, readonly string[]>([
        ['sip-base', ['sales']],
        ['keys', ['sip-base']],
      ]);
      expect(check(draft({ name: 'sales', extends: ['keys'] }), graph).errors).toEqual([{ path: 'extends', message: 'layering cycle: sales → keys → sip-base → sales' }]);
    });

    it('refuses extending a profile that already sits in a cycle', () => {
      const graph = new Map<string, readonly string[]>([
        ['a', ['b']],
        ['b', ['a']],
      ]);
      expect(check(draft({ name: 'sales', extends: ['a'] }), graph).errors).toEqual([{ path: 'extends', message: expect.stringMatching(/^layering cycle: /) }]);
    });

    it('judges an edited profile by its new parents, not the stored ones', () => {
      const graph = new Map<string, readonly string[]>([
        ['sales', ['keys']],
        ['keys', ['sales']],
      ]);
      expect(check(draft({ name: 'sales', extends: [] }), graph).errors).toEqual([]);
    });

    it('accepts a diamond', () => {
      const graph = new Map<string, readonly string[]>([
        ['left', ['root']],
        ['right', ['root']],
        ['root', []],
      ]);
      expect(check(draft({ name: 'sales', extends: ['left', 'right'] }), graph).errors).toEqual([]);
    });
  });

  it('collects every problem at once', () => {
    const { errors } = check(draft({ name: 'bad name', layer: 'site', selector: null, extends: ['ghost'], items: [{ name: 'nope', value: 'x' }, { name: 'reg-port', value: 'x' }] }));
    expect(paths(errors)).toEqual(['name', 'selector', 'items[0].name', 'items[1].value', 'extends[0]']);
  });
});

describe('findCycle', () => {
  const graph = new Map<string, readonly string[]>([
    ['a', ['b', 'c']],
    ['b', ['d']],
    ['c', ['d']],
    ['d', []],
    ['x', ['y']],
    ['y', ['z']],
    ['z', ['x']],
  ]);

  it('finds none in an acyclic graph, diamonds included', () => {
    expect(findCycle('a', graph)).toBeUndefined();
  });

  it('returns the path back to the start', () => {
    expect(findCycle('x', graph)).toEqual(['x', 'y', 'z', 'x']);
    expect(findCycle('y', graph)).toEqual(['y', 'z', 'x', 'y']);
  });

  it('treats a name missing from the graph as having no parents', () => {
    expect(findCycle('ghost', graph)).toBeUndefined();
    expect(findCycle('p', new Map([['p', ['missing']]]))).toBeUndefined();
  });
});

describe('unknownPlaceholders', () => {
  it.each([
    ['plain text', []],
    ['{{mac}}:{{mac-plain}}:{{e164}}:{{user}}:{{device-type}}:{{site.x}}', []],
    ['{{ user }}', []],
    ['{{phone}} {{site}} {{site.}}', ['phone', 'site', 'site.']],
    ['{{site.ldap_server}} {{site.Name}} {{site.sntp-server}} {{site.a.b}}', ['site.ldap_server', 'site.Name']],
    ['{{}}', ['']],
  ])('%p → %p', (value, expected) => {
    expect(unknownPlaceholders(value)).toEqual(expected);
  });
});
