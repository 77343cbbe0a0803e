import { effectiveConfiguration, type Profile } from '../profiles';
import { appliesTo, modelOf, OVERRIDES_PROFILE_ID, phoneFacts, type PhoneFactsInput, profilesForPhone } from './phone-profiles';
import { SecretBox } from '@workpoint/contact-pipeline';
import type { StoredItem, StoredProfile } from './stored-profile';

const box = new SecretBox(Buffer.alloc(32, 3));
const open = (sealed: string) => box.open(sealed);

const phone = (assignment: Partial<PhoneFactsInput['assignment']> = {}, reported: Partial<PhoneFactsInput['reported']> = {}, siteFields?: Record<string, string>): PhoneFactsInput => ({
  mac: '00:1A:E8:00:00:01',
  assignment: { e164: null, model: null, site: null, tags: [], userName: null, profiles: [], overrides: [], ...assignment },
  reported: { deviceType: null, e164: null, ...reported },
  ...(siteFields ? { siteFields } : {}),
});

let ids = 0;
const stored = (name: string, layer: StoredProfile['layer'], items: StoredItem[], extra: Partial<StoredProfile> = {}): StoredProfile => ({
  id: `id-${++ids}`,
  name,
  description: null,
  layer,
  selector: null,
  priority: 0,
  extends: [],
  mergeIndexedGroups: false,
  items,
  version: 1,
  createdAt: '2025-11-25T10:00:00.000Z',
  updatedAt: '2025-11-25T10:00:00.000Z',
  updatedBy: 'admin',
  ...extra,
});
const names = (profiles: readonly Profile[]) => profiles.map((p) => p.name);
const itemsOf = (profile: Profile | undefined) => profile?.items.map((i) => [i.index === undefined ? i.name : `${i.name}[${i.index}]`, i.value]);

describe('phoneFacts', () => {
  it('gives templates everything the phone has', () => {
    const facts = phoneFacts(phone({ e164: '498912345', model: 'OpenStage 40', site: 'Munich', userName: 'jdoe' }, { deviceType: 'OpenStage 60', e164: '4989999' }, { sntp: '10.0.0.1' }));
    expect(facts).toEqual({ mac: '00:1A:E8:00:00:01', e164: '498912345', deviceType: 'OpenStage 60', user: 'jdoe', site: { name: 'Munich', sntp: '10.0.0.1' } });
  });

  it('keeps {{site.name}} the site\'s own name even when the site has a field called name', () => {
    expect(phoneFacts(phone({ site: 'Munich' }, {}, { name: 'HQ' })).site).toEqual({ name: 'Munich' });
  });

  it('falls back to the reported number and the assigned model', () => {
    expect(phoneFacts(phone({ model: 'OpenStage 40' }, { e164: '4989999' }))).toEqual({ mac: '00:1A:E8:00:00:01', e164: '4989999', deviceType: 'OpenStage 40' });
  });

  it('leaves out what the phone does not have, so templates using it fail', () => {
    expect(phoneFacts(phone({}, {}, { sntp: '10.0.0.1' }))).toEqual({ mac: '00:1A:E8:00:00:01' });
  });

  it('takes the model a phone reports over the one assigned', () => {
    expect(modelOf(phone({ model: 'OpenStage 40' }, { deviceType: 'OpenStage 60' }))).toBe('OpenStage 60');
    expect(modelOf(phone({ model: 'OpenStage 40' }))).toBe('OpenStage 40');
    expect(modelOf(phone())).toBeNull();
  });
});

describe('appliesTo', () => {
  const munichSales = phone({ site: 'Munich', model: 'OpenStage 40', tags: ['sales', 'vip'], profiles: ['reception'] }, { deviceType: 'OpenStage 60' });

  it.each([
    ['fleet', null, 'any', true],
    ['site', 'Munich', 'any', true],
    ['site', 'Berlin', 'any', false],
    ['model', 'OpenStage 60', 'any', true],
    ['model', 'OpenStage 40', 'any', false],
    ['group', 'vip', 'any', true],
    ['group', 'support', 'any', false],
    ['phone', null, 'reception', true],
    ['phone', null, 'other', false],
  ] as const)('a %s profile with selector %p named %p: %p', (layer, selector, name, expected) => {
    expect(appliesTo({ layer, selector, name }, munichSales)).toBe(expected);
  });

  it('chooses a model profile by the assigned model while the phone has not reported one', () => {
    expect(appliesTo({ layer: 'model', selector: 'OpenStage 40', name: 'os40' }, phone({ model: 'OpenStage 40' }))).toBe(true);
  });

  it.each([['site'], ['model'], ['group']] as const)('never applies a %s profile without a selector, not even to a phone without one', (layer) => {
    expect(appliesTo({ layer, selector: null, name: 'x' }, phone())).toBe(false);
  });
});

describe('profilesForPhone', () => {
  const fleet = stored('fleet', 'fleet', [
    { name: 'reg-addr', value: 'pbx.example.com' },
    { name: 'vlan-id', value: '10' },
  ]);
  const munich = stored('munich', 'site', [{ name: 'sntp-addr', value: '{{site.sntp}}' }], { selector: 'Munich' });
  const berlin = stored('berlin', 'site', [{ name: 'sntp-addr', value: '10.1.0.1' }], { selector: 'Berlin' });
  const os60 = stored('os60', 'model', [{ name: 'vlan-id', value: '60' }], { selector: 'OpenStage 60' });
  const os40 = stored('os40', 'model', [{ name: 'vlan-id', value: '40' }], { selector: 'OpenStage 40' });
  const sales = stored('sales', 'group', [{ name: 'function-key-def', index: 1, value: '31' }], { selector: 'sales' });
  const support = stored('support', 'group', [{ name: 'function-key-def', index: 1, value: '1' }], { selector: 'support' });
  const reception = stored('reception', 'phone', [{ name: 'display-id', value: 'Reception' }]);
  const all = [reception, support, sales, os40, os60, berlin, munich, fleet];

  it('selects fleet always, and site, model, group and phone profiles by the assignment', () => {
    const selected = profilesForPhone(all, phone({ site: 'Munich', model: 'OpenStage 40', tags: ['sales'], profiles: ['reception'] }, { deviceType: 'OpenStage 60' }), open);
    expect(names(selected).sort()).toEqual(['fleet', 'munich', 'os60', 'reception', 'sales']);
  });

  it('selects only fleet for a phone nothing is assigned to', () => {
    expect(names(profilesForPhone(all, phone(), open))).toEqual(['fleet']);
  });

  it('carries id, layer, priority and mergeIndexedGroups over', () => {
    const group = stored('keys', 'group', [{ name: 'key-label', index: 1, value: 'x' }], { selector: 'sales', priority: 7, mergeIndexedGroups: true });
    expect(profilesForPhone([group], phone({ tags: ['sales'] }), open)).toEqual([{ id: group.id, name: 'keys', layer: 'group', priority: 7, mergeIndexedGroups: true, items: [{ name: 'key-label', index: 1, value: 'x' }] }]);
  });

  it('keeps an item\'s policy and gives a stored item without value a null', () => {
    const p = stored('p', 'fleet', [{ name: 'display-id', policy: 'adopt' }, { name: 'vlan-id', value: '20', policy: 'enforce' }, { name: 'reg-port', value: '5060' }]);
    expect(profilesForPhone([p], phone(), open)[0]!.items).toEqual([
      { name: 'display-id', value: null, policy: 'adopt' },
      { name: 'vlan-id', value: '20', policy: 'enforce' },
      { name: 'reg-port', value: '5060' },
    ]);
  });

  describe('extends', () => {
    const base = stored('sip-base', 'phone', [
      { name: 'reg-addr', value: 'base.example.com' },
      { name: 'reg-port', value: '5060' },
      { name: 'function-key-def', index: 1, value: '1' },
    ]);
    const tls = stored('tls', 'phone', [{ name: 'reg-port', value: '5061' }, { name: 'sip-transport-user', value: '2' }], { extends: ['sip-base'] });

    it('folds parents in first, so the child wins item by item', () => {
      const child = stored('sales', 'group', [{ name: 'reg-addr', value: 'sales.example.com' }, { name: 'function-key-def', index: 2, value: '31' }], { selector: 'sales', extends: ['sip-base'] });
      const [selected, ...rest] = profilesForPhone([base, child], phone({ tags: ['sales'] }), open);
      expect(rest).toEqual([]);
      expect(selected!.name).toBe('sales');
      expect(itemsOf(selected)).toEqual([
        ['reg-addr', 'sales.example.com'],
        ['reg-port', '5060'],
        ['function-key-def[1]', '1'],
        ['function-key-def[2]', '31'],
      ]);
    });

    it('folds grandparents in before parents, and a later parent over an earlier one', () => {
      const other = stored('other', 'phone', [{ name: 'sip-transport-user', value: '0' }, { name: 'vlan-id', value: '30' }]);
      const child = stored('child', 'fleet', [{ name: 'vlan-id', value: '99' }], { extends: ['other', 'tls'] });
      const [selected] = profilesForPhone([base, tls, other, child], phone(), open);
      expect(itemsOf(selected)).toEqual([
        ['sip-transport-user', '2'],
        ['vlan-id', '99'],
        ['reg-addr', 'base.example.com'],
        ['reg-port', '5061'],
        ['function-key-def[1]', '1'],
      ]);
    });

    it('does not select a parent only because a selected profile extends it', () => {
      const child = stored('child', 'fleet', [], { extends: ['tls'] });
      expect(names(profilesForPhone([base, tls, child], phone(), open))).toEqual(['child']);
    });

    it('ignores a missing parent and stops at a cycle', () => {
      const a = stored('a', 'fleet', [{ name: 'vlan-id', value: 'a' }], { extends: ['b', 'ghost'] });
      const b = stored('b', 'phone', [{ name: 'vlan-id', value: 'b' }, { name: 'reg-port', value: 'b' }], { extends: ['a'] });
      const [selected] = profilesForPhone([a, b], phone(), open);
      expect(itemsOf(selected)).toEqual([
        ['vlan-id', 'a'],
        ['reg-port', 'b'],
      ]);
    });
  });

  it('opens sealed secrets with the callback, and only those', () => {
    const sealed = box.seal('s3cret');
    const p = stored('p', 'fleet', [{ name: 'sip-pwd', sealed }, { name: 'reg-addr', value: 'pbx.example.com' }]);
    const seen: string[] = [];
    const profiles = profilesForPhone([p], phone(), (text) => {
      seen.push(text);
      return open(text);
    });
    expect(itemsOf(profiles[0])).toEqual([
      ['sip-pwd', 's3cret'],
      ['reg-addr', 'pbx.example.com'],
    ]);
    expect(seen).toEqual([sealed]);
  });

  it('opens a sealed secret inherited through extends', () => {
    const base = stored('base', 'phone', [{ name: 'admin-pwd', sealed: box.seal('adm1n') }]);
    const p = stored('p', 'fleet', [], { extends: ['base'] });
    expect(itemsOf(profilesForPhone([base, p], phone(), open)[0])).toEqual([['admin-pwd', 'adm1n']]);
  });

  it('appends the phone\'s overrides last, as a phone profile of top priority that merges indexed groups', () => {
    const overrides: StoredItem[] = [{ name: 'function-key-def', index: 2, value: '31' }, { name: 'sip-pwd', sealed: box.seal('m1ne') }];
    const profiles = profilesForPhone([reception, fleet], phone({ profiles: ['reception'], overrides }), open);
    expect(names(profiles)).toEqual(['reception', 'fleet', 'phone overrides']);
    expect(profiles[2]).toEqual({
      id: OVERRIDES_PROFILE_ID,
      name: 'phone overrides',
      layer: 'phone',
      priority: Number.MAX_SAFE_INTEGER,
      mergeIndexedGroups: true,
      items: [
        { name: 'function-key-def', index: 2, value: '31' },
        { name: 'sip-pwd', value: 'm1ne' },
      ],
    });
  });

  it('adds no overrides profile for a phone without overrides', () => {
    expect(profilesForPhone([fleet], phone(), open).map((p) => p.id)).not.toContain(OVERRIDES_PROFILE_ID);
  });

  describe('fed to effectiveConfiguration', () => {
    it('gives each value from the profile that wins it, with the phone overrides on top', () => {
      const keys = stored(
        'keys',
        'fleet',
        [
          { name: 'function-key-def', index: 1, value: '31' },
          { name: 'key-label', index: 1, value: 'Line' },
          { name: 'function-key-def', index: 2, value: '1' },
          { name: 'key-label', index: 2, value: 'Desk' },
        ],
        { extends: ['fleet'], priority: 1 },
      );
      const sipBase = stored('sip-base', 'phone', [{ name: 'sip-pwd', sealed: box.seal('s3cret') }, { name: 'sip-user-id', value: '{{e164}}' }]);
      const vip = stored('vip', 'group', [{ name: 'vlan-id', value: '50' }], { selector: 'vip', priority: 10, extends: ['sip-base'] });
      const salesGroup = stored('sales', 'group', [{ name: 'vlan-id', value: '30' }, { name: 'display-id', value: '{{user}} ({{site.name}})' }], { selector: 'sales', priority: 1 });
      const me = phone(
        { site: 'Munich', e164: '498912345', userName: 'jdoe', tags: ['vip', 'sales'], overrides: [{ name: 'key-label', index: 2, value: 'Mine' }, { name: 'vlan-id', value: '70' }] },
        { deviceType: 'OpenStage 60' },
        { sntp: '10.0.0.1' },
      );
      const profiles = profilesForPhone([vip, salesGroup, os60, munich, keys, fleet, sipBase, berlin], me, open);
      const result = effectiveConfiguration(profiles, phoneFacts(me));
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.items.map((i) => [i.index === undefined ? i.name : `${i.name}[${i.index}]`, i.value, i.source.profileName, i.source.layer])).toEqual([
        ['display-id', 'jdoe (Munich)', 'sales', 'group'],
        ['function-key-def[1]', '31', 'keys', 'fleet'],
        ['function-key-def[2]', '1', 'keys', 'fleet'],
        ['key-label[1]', 'Line', 'keys', 'fleet'],
        ['key-label[2]', 'Mine', 'phone overrides', 'phone'],
        ['reg-addr', 'pbx.example.com', 'keys', 'fleet'],
        ['sip-pwd', 's3cret', 'vip', 'group'],
        ['sip-user-id', '498912345', 'vip', 'group'],
        ['sntp-addr', '10.0.0.1', 'munich', 'site'],
        ['vlan-id', '70', 'phone overrides', 'phone'],
      ]);
      expect(result.items.find((i) => i.name === 'vlan-id')!.source.profileId).toBe(OVERRIDES_PROFILE_ID);
    });

    it('lets a profile\'s own indexed group replace the one of an earlier layer, but an override only merges into it', () => {
      const fleetKeys = stored('fleet-keys', 'fleet', [
        { name: 'function-key-def', index: 1, value: '31' },
        { name: 'function-key-def', index: 2, value: '1' },
      ]);
      const groupKeys = stored('group-keys', 'group', [{ name: 'function-key-def', index: 3, value: '60' }], { selector: 'sales' });
      const me = phone({ tags: ['sales'], overrides: [{ name: 'function-key-def', index: 4, value: '2' }] });
      const result = effectiveConfiguration(profilesForPhone([groupKeys, fleetKeys], me, open), phoneFacts(me));
      expect(result.ok && result.items.map((i) => [i.index, i.value, i.source.profileName])).toEqual([
        [3, '60', 'group-keys'],
        [4, '2', 'phone overrides'],
      ]);
    });
  });
});
