import { effectiveConfiguration } from './effective-configuration';
import type { Profile } from './profile.types';

const facts = { mac: '00:1A:E8:00:00:01', e164: '498912345', deviceType: 'OpenStage 60', user: 'jdoe', site: { name: 'Munich', sntp: '10.0.0.1' } };
const profile = (id: string, layer: Profile['layer'], items: Profile['items'], extra: Partial<Profile> = {}): Profile => ({ id, name: id, layer, items, ...extra });
const values = (r: ReturnType<typeof effectiveConfiguration>) => (r.ok ? r.items.map((i) => [i.index === undefined ? i.name : `${i.name}[${i.index}]`, i.value, i.source.profileId]) : r.problems);

describe('effectiveConfiguration', () => {
  it('lets later layers win item by item, whatever order the profiles come in', () => {
    const result = effectiveConfiguration(
      [
        profile('phone', 'phone', [{ name: 'sntp-tz-offset', value: '120' }]),
        profile('fleet', 'fleet', [{ name: 'sntp-tz-offset', value: '60' }, { name: 'reg-port', value: '5060' }]),
        profile('model', 'model', [{ name: 'reg-port', value: '5061' }]),
      ],
      facts,
    );
    expect(values(result)).toEqual([
      ['reg-port', '5061', 'model'],
      ['sntp-tz-offset', '120', 'phone'],
    ]);
  });

  it('orders profiles of one layer by priority', () => {
    const result = effectiveConfiguration(
      [profile('high', 'group', [{ name: 'vlan-id', value: '20' }], { priority: 10 }), profile('low', 'group', [{ name: 'vlan-id', value: '10' }], { priority: 1 })],
      facts,
    );
    expect(values(result)).toEqual([['vlan-id', '20', 'high']]);
  });

  it('replaces a whole indexed group rather than merging two profiles\' halves', () => {
    const fleet = profile('fleet', 'fleet', [
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'key-label', index: 1, value: 'Reception' },
      { name: 'function-key-def', index: 2, value: '10' },
    ]);
    const group = profile('sales', 'group', [{ name: 'function-key-def', index: 5, value: '25' }]);
    expect(values(effectiveConfiguration([fleet, group], facts))).toEqual([['function-key-def[5]', '25', 'sales']]);
  });

  it('merges an indexed group when the profile says so', () => {
    const fleet = profile('fleet', 'fleet', [
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'function-key-def', index: 2, value: '10' },
    ]);
    const group = profile('sales', 'group', [{ name: 'function-key-def', index: 2, value: '25' }], { mergeIndexedGroups: true });
    expect(values(effectiveConfiguration([fleet, group], facts))).toEqual([
      ['function-key-def[1]', '1', 'fleet'],
      ['function-key-def[2]', '25', 'sales'],
    ]);
  });

  it('fills placeholders from the phone and its site', () => {
    const result = effectiveConfiguration(
      [profile('fleet', 'fleet', [{ name: 'sip-user-id', value: '{{e164}}' }, { name: 'display-id', value: '{{user}} @ {{site.name}}' }, { name: 'sntp-addr', value: '{{site.sntp}}' }, { name: 'hostname', value: 'os-{{mac-plain}}' }])],
      facts,
    );
    expect(values(result)).toEqual([
      ['display-id', 'jdoe @ Munich', 'fleet'],
      ['hostname', 'os-001AE8000001', 'fleet'],
      ['sip-user-id', '498912345', 'fleet'],
      ['sntp-addr', '10.0.0.1', 'fleet'],
    ]);
  });

  it('fails as a whole when a placeholder cannot be filled, naming each problem', () => {
    const result = effectiveConfiguration(
      [profile('fleet', 'fleet', [{ name: 'sip-user-id', value: '{{e164}}' }, { name: 'ldap-server-address', value: '{{site.ldap}}' }, { name: 'x', value: '{{nonsense}}' }])],
      facts,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { profileId: 'fleet', item: 'ldap-server-address', problem: 'template refers to site.ldap, which this phone does not have' },
        { profileId: 'fleet', item: 'x', problem: 'template refers to nonsense, which this phone does not have' },
      ],
    });
  });

  it.each([
    ['site.constructor', 'template refers to site.constructor, which this phone does not have'],
    ['site.hasownproperty', 'template refers to site.hasownproperty, which this phone does not have'],
    ['site.__proto__', 'malformed placeholder in "{{site.__proto__}}"'],
    ['site.toString', 'malformed placeholder in "{{site.toString}}"'],
  ])('never fills {{%s}} from what every object inherits', (placeholder, problem) => {
    const result = effectiveConfiguration([profile('fleet', 'fleet', [{ name: 'display-id', value: `{{${placeholder}}}` }])], facts);
    expect(result).toEqual({ ok: false, problems: [{ profileId: 'fleet', item: 'display-id', problem }] });
  });

  it('fills a site field named like an inherited property when the site has it', () => {
    const site = JSON.parse('{"name": "Munich", "constructor": "built", "__proto__": "x"}') as Record<string, string>;
    const result = effectiveConfiguration([profile('fleet', 'fleet', [{ name: 'display-id', value: '{{site.constructor}}' }])], { ...facts, site });
    expect(values(result)).toEqual([['display-id', 'built', 'fleet']]);
  });

  it('keeps the drift policy and defaults it to enforce', () => {
    const result = effectiveConfiguration([profile('fleet', 'fleet', [{ name: 'ringer-melody', value: '3', policy: 'adopt' }, { name: 'reg-port', value: '5060' }])], facts);
    expect(result.ok && result.items.map((i) => [i.name, i.policy])).toEqual([
      ['reg-port', 'enforce'],
      ['ringer-melody', 'adopt'],
    ]);
  });
});
