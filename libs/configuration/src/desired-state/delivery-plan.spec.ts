import { MASK } from '@workpoint/logging';
import type { WpiItem } from '@workpoint/wpi-codec';
import { effectiveConfiguration, type EffectiveItem, type Profile } from '../profiles';
import { adoptLocalChanges, type FaultRecord, type Fingerprint, observeChanges, observeFullReport, type PhoneConfigState, planDelivery, recordWriteResult } from './delivery-plan';
import { itemKey, parseItemKey } from '../profiles/item-key';
import { SecretBox } from '@workpoint/contact-pipeline';

// A fixed key keeps fingerprints deterministic across runs; the real ones come from SecretBox too.
const box = new SecretBox(Buffer.alloc(32, 7));
const fp: Fingerprint = (value) => box.fingerprint(value);
const at = new Date('2025-11-25T10:00:00.000Z');

const state = (partial: Partial<PhoneConfigState> = {}): PhoneConfigState => ({ observed: {}, applied: {}, faults: {}, ...partial });
const wanted = (name: string, value: string | null, extra: { index?: number; policy?: EffectiveItem['policy']; profile?: string } = {}): EffectiveItem => ({
  name,
  ...(extra.index !== undefined ? { index: extra.index } : {}),
  value,
  policy: extra.policy ?? 'enforce',
  source: { profileId: `id-${extra.profile ?? 'fleet'}`, profileName: extra.profile ?? 'fleet', layer: 'fleet' },
});
const fault = (name: string, refusedValue: string, status = 'invalid data', index?: number): FaultRecord => ({
  name,
  ...(index !== undefined ? { index } : {}),
  status,
  fingerprint: fp(refusedValue),
  value: refusedValue,
  at: at.toISOString(),
});
const keys = (items: readonly WpiItem[]) => items.map(itemKey);

describe('itemKey / parseItemKey', () => {
  it.each([
    [{ name: 'sip-server' }, 'sip-server'],
    [{ name: 'function-key-def', index: 3 }, 'function-key-def[3]'],
    [{ name: 'function-key-def', index: 0 }, 'function-key-def[0]'],
    [{ name: 'function-key-def', index: 1001 }, 'function-key-def[1001]'],
  ])('%o ⇄ %s', (item, key) => {
    expect(itemKey(item)).toBe(key);
    expect(parseItemKey(key)).toEqual(item);
  });

  it('treats an explicitly undefined index as no index', () => {
    expect(itemKey({ name: 'reg-port', index: undefined })).toBe('reg-port');
  });

  it('reads a bracket that is not a whole index as part of the name', () => {
    expect(parseItemKey('odd[x]')).toEqual({ name: 'odd[x]' });
    expect(parseItemKey('odd[-1]')).toEqual({ name: 'odd[-1]' });
    expect(parseItemKey('odd[1]x')).toEqual({ name: 'odd[1]x' });
  });
});

describe('planDelivery', () => {
  it('writes exactly the items whose reported value differs, in the order of the effective configuration', () => {
    const effective = [
      wanted('function-key-def', '1', { index: 1 }),
      wanted('function-key-def', '31', { index: 2 }),
      wanted('reg-port', '5060'),
      wanted('vlan-id', '20'),
    ];
    const observed = { 'function-key-def[1]': '1', 'function-key-def[2]': '1', 'reg-port': '5060', 'vlan-id': '10', 'hostname': 'not-managed' };
    const plan = planDelivery(effective, state({ observed }), fp);
    expect(plan.write).toEqual([
      { name: 'function-key-def', index: 2, value: '31' },
      { name: 'vlan-id', value: '20' },
    ]);
    expect(plan.drift.map((d) => [d.name, d.index, d.reported, d.desired])).toEqual([
      ['function-key-def', 2, '1', '31'],
      ['vlan-id', undefined, '10', '20'],
    ]);
    expect(plan.blocked).toEqual([]);
  });

  it('does not give a plain item an index property', () => {
    const plan = planDelivery([wanted('vlan-id', '20')], state({ observed: { 'vlan-id': '10' } }), fp);
    expect(Object.keys(plan.write[0]!)).toEqual(['name', 'value']);
    expect('index' in plan.drift[0]!).toBe(false);
  });

  it('writes nothing when the phone already has every wanted value', () => {
    const plan = planDelivery([wanted('reg-port', '5060'), wanted('function-key-def', '31', { index: 4 })], state({ observed: { 'reg-port': '5060', 'function-key-def[4]': '31' } }), fp);
    expect(plan).toEqual({ write: [], drift: [], blocked: [] });
  });

  it('counts null and the empty text as the same value, reported or fingerprinted', () => {
    const effective = [wanted('display-id', null), wanted('hostname', ''), wanted('sip-pwd', null), wanted('ldap-pwd', '')];
    const plan = planDelivery(effective, state({ observed: { 'display-id': '', 'hostname': null }, applied: { 'sip-pwd': fp(''), 'ldap-pwd': fp(null) } }), fp);
    expect(plan.write).toEqual([]);
  });

  it('writes a wanted null as the empty text, which clears the item on the phone', () => {
    const plan = planDelivery([wanted('display-id', null)], state({ observed: { 'display-id': 'Reception' } }), fp);
    expect(plan.write).toEqual([{ name: 'display-id', value: '' }]);
    expect(plan.drift[0]).toMatchObject({ reported: 'Reception', desired: null });
  });

  describe('items the phone never reports', () => {
    it('writes a secret when the phone has accepted no value for it yet', () => {
      const plan = planDelivery([wanted('sip-pwd', 's3cret')], state(), fp);
      expect(plan.write).toEqual([{ name: 'sip-pwd', value: 's3cret' }]);
      expect(plan.drift).toEqual([{ name: 'sip-pwd', reported: null, desired: MASK, policy: 'enforce', source: 'fleet' }]);
    });

    it('does not write a secret again when the phone accepted this very value', () => {
      const plan = planDelivery([wanted('sip-pwd', 's3cret')], state({ applied: { 'sip-pwd': fp('s3cret') } }), fp);
      expect(plan.write).toEqual([]);
      expect(plan.drift).toEqual([]);
    });

    it('writes a secret whose wanted value changed since the phone accepted the old one, masking both sides of the drift', () => {
      const plan = planDelivery([wanted('sip-pwd', 'n3w')], state({ applied: { 'sip-pwd': fp('old') } }), fp);
      expect(plan.write).toEqual([{ name: 'sip-pwd', value: 'n3w' }]);
      expect(plan.drift).toEqual([{ name: 'sip-pwd', reported: MASK, desired: MASK, policy: 'enforce', source: 'fleet' }]);
      expect(JSON.stringify(plan.drift)).not.toMatch(/n3w|old/);
    });

    it('judges a secret by its fingerprint only, even if something put it into observed', () => {
      const plan = planDelivery([wanted('sip-pwd', 's3cret')], state({ observed: { 'sip-pwd': 's3cret' } }), fp);
      expect(plan.write).toEqual([{ name: 'sip-pwd', value: 's3cret' }]);
    });

    it('masks indexed secrets caught by the name pattern too', () => {
      const plan = planDelivery([wanted('line-sip-pwd', 'l1ne', { index: 2 })], state(), fp);
      expect(plan.write).toEqual([{ name: 'line-sip-pwd', index: 2, value: 'l1ne' }]);
      expect(plan.drift[0]).toMatchObject({ name: 'line-sip-pwd', index: 2, reported: null, desired: MASK });
    });

    it('judges a non-secret item the phone has not reported by what it accepted', () => {
      const effective = [wanted('sntp-addr', '10.0.0.1'), wanted('reg-addr', 'pbx.example.com')];
      const plan = planDelivery(effective, state({ applied: { 'sntp-addr': fp('10.0.0.1'), 'reg-addr': fp('old-pbx') } }), fp);
      expect(plan.write).toEqual([{ name: 'reg-addr', value: 'pbx.example.com' }]);
      expect(plan.drift[0]).toMatchObject({ reported: null, desired: 'pbx.example.com' });
    });

    it('prefers what the phone reported over what it once accepted', () => {
      const plan = planDelivery([wanted('vlan-id', '20')], state({ observed: { 'vlan-id': '0' }, applied: { 'vlan-id': fp('20') } }), fp);
      expect(plan.write).toEqual([{ name: 'vlan-id', value: '20' }]);
    });
  });

  describe('refused values', () => {
    it('does not offer a value again that the phone refused, and names it as blocked', () => {
      const effective = [wanted('function-key-def', '999', { index: 3 }), wanted('vlan-id', '20')];
      const faults = { 'function-key-def[3]': fault('function-key-def', '999', 'invalid data', 3) };
      const plan = planDelivery(effective, state({ observed: { 'function-key-def[3]': '0', 'vlan-id': '10' }, faults }), fp);
      expect(keys(plan.write)).toEqual(['vlan-id']);
      expect(plan.drift.map((d) => d.name)).toEqual(['vlan-id']);
      expect(plan.blocked).toEqual(['function-key-def[3]']);
    });

    it('offers the item again once the wanted value changed', () => {
      const faults = { 'function-key-def[3]': fault('function-key-def', '999', 'invalid data', 3) };
      const plan = planDelivery([wanted('function-key-def', '31', { index: 3 })], state({ observed: { 'function-key-def[3]': '0' }, faults }), fp);
      expect(plan.write).toEqual([{ name: 'function-key-def', index: 3, value: '31' }]);
      expect(plan.blocked).toEqual([]);
    });

    it('blocks a refused secret by fingerprint, and offers a new secret value', () => {
      const faults = { 'sip-pwd': { ...fault('sip-pwd', 'x', 'read only'), value: MASK } };
      expect(planDelivery([wanted('sip-pwd', 'x')], state({ faults }), fp)).toEqual({ write: [], drift: [], blocked: ['sip-pwd'] });
      expect(keys(planDelivery([wanted('sip-pwd', 'y')], state({ faults }), fp).write)).toEqual(['sip-pwd']);
    });
  });

  it('carries each drifting item\'s policy and the name of the profile it comes from', () => {
    const effective = [wanted('display-id', 'Reception', { policy: 'adopt', profile: 'Front desk' }), wanted('key-label', 'Sales', { index: 5, profile: 'Sales keys' })];
    const plan = planDelivery(effective, state({ observed: { 'display-id': 'Mine', 'key-label[5]': '' } }), fp);
    expect(plan.drift).toEqual([
      { name: 'display-id', reported: 'Mine', desired: 'Reception', policy: 'adopt', source: 'Front desk' },
      { name: 'key-label', index: 5, reported: '', desired: 'Sales', policy: 'enforce', source: 'Sales keys' },
    ]);
  });

  it('reports drift for exactly the items it writes', () => {
    const effective = [wanted('a-one', '1'), wanted('sip-pwd', 'p'), wanted('vlan-id', '20'), wanted('key-label', 'x', { index: 1 })];
    const plan = planDelivery(effective, state({ observed: { 'a-one': '2', 'vlan-id': '20' }, applied: { 'key-label[1]': fp('y') } }), fp);
    expect(plan.drift.map(itemKey)).toEqual(keys(plan.write));
    expect(keys(plan.write)).toEqual(['a-one', 'sip-pwd', 'key-label[1]']);
  });
});

describe('observeFullReport', () => {
  it('makes observed exactly the report, forgetting items no longer reported', () => {
    const before = state({ observed: { 'vlan-id': '10', 'gone-item': 'x' } });
    const report: WpiItem[] = [
      { name: 'vlan-id', value: '20' },
      { name: 'function-key-def', index: 1, value: '31' },
      { name: 'display-id', value: null },
    ];
    expect(observeFullReport(before, report, fp).observed).toEqual({ 'vlan-id': '20', 'function-key-def[1]': '31', 'display-id': null });
    expect(before.observed).toEqual({ 'vlan-id': '10', 'gone-item': 'x' });
  });

  it('does not take an item that comes with a status for a value', () => {
    const after = observeFullReport(state(), [{ name: 'vlan-id', value: '20' }, { name: 'ldap-server-address', value: null, status: 'unknown item' }], fp);
    expect(after.observed).toEqual({ 'vlan-id': '20' });
  });

  it('keeps the fingerprints of secrets when nothing the phone accepted has changed', () => {
    const before = state({ applied: { 'vlan-id': fp('20'), 'sip-pwd': fp('s3cret'), 'admin-pwd': fp('adm1n'), 'sntp-addr': fp('10.0.0.1') } });
    const after = observeFullReport(before, [{ name: 'vlan-id', value: '20' }, { name: 'reg-port', value: '5061' }], fp);
    expect(after.applied).toEqual(before.applied);
    expect(planDelivery([wanted('sip-pwd', 's3cret'), wanted('vlan-id', '20')], after, fp).write).toEqual([]);
  });

  it('takes an accepted item back at another value as a lost configuration, so secrets are written again', () => {
    const before = state({
      observed: { 'vlan-id': '20', 'function-key-def[2]': '31' },
      applied: { 'vlan-id': fp('20'), 'function-key-def[2]': fp('31'), 'sip-pwd': fp('s3cret'), 'line-sip-pwd[2]': fp('l1ne') },
    });
    // A factory reset: the VLAN is back at its default, the key is still the same by chance.
    const after = observeFullReport(before, [{ name: 'vlan-id', value: '0' }, { name: 'function-key-def', index: 2, value: '31' }], fp);
    expect(after.applied).toEqual({ 'function-key-def[2]': fp('31') });
    const plan = planDelivery([wanted('sip-pwd', 's3cret'), wanted('line-sip-pwd', 'l1ne', { index: 2 }), wanted('vlan-id', '20'), wanted('function-key-def', '31', { index: 2 })], after, fp);
    expect(keys(plan.write)).toEqual(['sip-pwd', 'line-sip-pwd[2]', 'vlan-id']);
  });

  it('also forgets accepted non-secret items the phone does not report, once it lost its configuration', () => {
    const before = state({ applied: { 'vlan-id': fp('20'), 'sntp-addr': fp('10.0.0.1') } });
    expect(observeFullReport(before, [{ name: 'vlan-id', value: '0' }], fp).applied).toEqual({});
    expect(observeFullReport(before, [{ name: 'vlan-id', value: '20' }], fp).applied).toEqual(before.applied);
  });

  it('is not misled by an item the service never wrote', () => {
    const before = state({ observed: { 'reg-port': '5060' }, applied: { 'sip-pwd': fp('s3cret') } });
    const after = observeFullReport(before, [{ name: 'reg-port', value: '5061' }], fp);
    expect(after.applied).toEqual({ 'sip-pwd': fp('s3cret') });
  });

  it('counts a reported null as the accepted empty text', () => {
    const before = state({ applied: { 'display-id': fp(''), 'sip-pwd': fp('s3cret') } });
    expect(observeFullReport(before, [{ name: 'display-id', value: null }], fp).applied).toEqual(before.applied);
  });

  it('turns secrets reported in clear into fingerprints and never into observed values', () => {
    const after = observeFullReport(state({ applied: { 'sip-pwd': fp('old') } }), [{ name: 'sip-pwd', value: 'n3w' }, { name: 'line-sip-pwd', index: 1, value: 'l1ne' }], fp);
    expect(after.applied).toEqual({ 'sip-pwd': fp('n3w'), 'line-sip-pwd[1]': fp('l1ne') });
    expect(after.observed).toEqual({});
  });

  it.each([['***'], ['******'], [''], [null]])('ignores a secret reported as %p', (value) => {
    const before = state({ applied: { 'sip-pwd': fp('s3cret') } });
    const after = observeFullReport(before, [{ name: 'sip-pwd', value }], fp);
    expect(after.applied).toEqual({ 'sip-pwd': fp('s3cret') });
    expect(after.observed).toEqual({});
  });

  it('keeps the faults', () => {
    const faults = { 'vlan-id': fault('vlan-id', '9999') };
    expect(observeFullReport(state({ faults }), [{ name: 'vlan-id', value: '0' }], fp).faults).toEqual(faults);
  });
});

describe('observeChanges', () => {
  it('merges changed items into what the phone has', () => {
    const before = state({ observed: { 'vlan-id': '20', 'display-id': 'Reception', 'key-label[1]': 'Line' } });
    const after = observeChanges(before, [{ name: 'display-id', value: 'Front desk' }, { name: 'key-label', index: 2, value: 'Sales' }], fp);
    expect(after.observed).toEqual({ 'vlan-id': '20', 'display-id': 'Front desk', 'key-label[1]': 'Line', 'key-label[2]': 'Sales' });
    expect(before.observed['display-id']).toBe('Reception');
  });

  it('forgets what the phone accepted for an item it changed, and keeps it when the value is the same', () => {
    const before = state({ applied: { 'display-id': fp('Reception'), 'vlan-id': fp('20'), 'sip-pwd': fp('s3cret') } });
    const after = observeChanges(before, [{ name: 'display-id', value: 'Front desk' }, { name: 'vlan-id', value: '20' }], fp);
    expect(after.applied).toEqual({ 'vlan-id': fp('20'), 'sip-pwd': fp('s3cret') });
  });

  it('takes a secret changed in clear as a fingerprint, ignores a masked one, and never observes either', () => {
    const before = state({ applied: { 'sip-pwd': fp('old'), 'admin-pwd': fp('adm1n') } });
    const after = observeChanges(before, [{ name: 'sip-pwd', value: 'n3w' }, { name: 'admin-pwd', value: MASK }], fp);
    expect(after.applied).toEqual({ 'sip-pwd': fp('n3w'), 'admin-pwd': fp('adm1n') });
    expect(after.observed).toEqual({});
  });

  it('makes a local change drift that planDelivery writes back', () => {
    const before = state({ observed: { 'vlan-id': '20' }, applied: { 'vlan-id': fp('20') } });
    const after = observeChanges(before, [{ name: 'vlan-id', value: '30' }], fp);
    expect(planDelivery([wanted('vlan-id', '20')], after, fp).write).toEqual([{ name: 'vlan-id', value: '20' }]);
  });
});

describe('recordWriteResult', () => {
  const written: WpiItem[] = [
    { name: 'vlan-id', value: '20' },
    { name: 'sip-pwd', value: 's3cret' },
    { name: 'function-key-def', index: 3, value: '999' },
    { name: 'backlight-type', value: '1' },
    { name: 'no-such-item', value: 'x' },
  ];

  it('records the items the phone flagged as faults and everything else as what it now has', () => {
    const flagged: WpiItem[] = [
      { name: 'sip-pwd', value: null, status: 'invalid data' },
      { name: 'function-key-def', index: 3, value: null, status: 'invalid data' },
      { name: 'backlight-type', value: null, status: 'read only' },
      { name: 'no-such-item', value: null, status: 'unknown item' },
    ];
    const { state: after, refused } = recordWriteResult(state(), written, flagged, 'accepted', fp, at);
    expect(refused).toEqual([
      { name: 'sip-pwd', status: 'invalid data', fingerprint: fp('s3cret'), value: MASK, at: '2025-11-25T10:00:00.000Z' },
      { name: 'function-key-def', index: 3, status: 'invalid data', fingerprint: fp('999'), value: '999', at: '2025-11-25T10:00:00.000Z' },
      { name: 'backlight-type', status: 'read only', fingerprint: fp('1'), value: '1', at: '2025-11-25T10:00:00.000Z' },
      { name: 'no-such-item', status: 'unknown item', fingerprint: fp('x'), value: 'x', at: '2025-11-25T10:00:00.000Z' },
    ]);
    expect(Object.keys(after.faults)).toEqual(['sip-pwd', 'function-key-def[3]', 'backlight-type', 'no-such-item']);
    expect(after.faults['function-key-def[3]']).toEqual(refused[1]);
    expect(after.observed).toEqual({ 'vlan-id': '20' });
    expect(after.applied).toEqual({ 'vlan-id': fp('20') });
    expect(JSON.stringify(after)).not.toContain('s3cret');
  });

  it('keeps an accepted secret as a fingerprint only', () => {
    const { state: after, refused } = recordWriteResult(state(), [{ name: 'sip-pwd', value: 's3cret' }, { name: 'reg-port', value: '5060' }], [], 'accepted', fp, at);
    expect(refused).toEqual([]);
    expect(after.applied).toEqual({ 'sip-pwd': fp('s3cret'), 'reg-port': fp('5060') });
    expect(after.observed).toEqual({ 'reg-port': '5060' });
  });

  it.each([['ok'], ['OK'], ['accepted'], ['Success']])('does not take status %p for a refusal', (status) => {
    const { state: after, refused } = recordWriteResult(state(), [{ name: 'vlan-id', value: '20' }], [{ name: 'vlan-id', value: '20', status }], 'accepted', fp, at);
    expect(refused).toEqual([]);
    expect(after.faults).toEqual({});
    expect(after.observed).toEqual({ 'vlan-id': '20' });
  });

  it('ignores a flagged item without a status, or one that was not written', () => {
    const { refused } = recordWriteResult(state(), [{ name: 'vlan-id', value: '20' }], [{ name: 'vlan-id', value: '20' }, { name: 'reg-port', value: null, status: 'invalid data' }], 'accepted', fp, at);
    expect(refused).toEqual([]);
  });

  it('clears an earlier fault once the phone takes the item', () => {
    const before = state({ faults: { 'function-key-def[3]': fault('function-key-def', '999', 'invalid data', 3), 'vlan-id': fault('vlan-id', '9999') } });
    const { state: after } = recordWriteResult(before, [{ name: 'function-key-def', index: 3, value: '31' }], [], 'accepted', fp, at);
    expect(Object.keys(after.faults)).toEqual(['vlan-id']);
    expect(after.observed).toEqual({ 'function-key-def[3]': '31' });
    expect(Object.keys(before.faults)).toEqual(['function-key-def[3]', 'vlan-id']);
  });

  it('marks every item failed when the phone refuses a write as a whole without naming items', () => {
    const before = state({ observed: { 'vlan-id': '10' }, applied: { 'sip-pwd': fp('old') } });
    const { state: after, refused } = recordWriteResult(before, written.slice(0, 3), [], 'failed', fp, at);
    expect(refused.map((f) => [itemKey(f), f.status, f.value])).toEqual([
      ['vlan-id', 'failed', '20'],
      ['sip-pwd', 'failed', MASK],
      ['function-key-def[3]', 'failed', '999'],
    ]);
    expect(after.observed).toEqual(before.observed);
    expect(after.applied).toEqual(before.applied);
    expect(Object.keys(after.faults)).toEqual(['vlan-id', 'sip-pwd', 'function-key-def[3]']);
  });

  it('only faults the named items of a failed write', () => {
    const { state: after, refused } = recordWriteResult(state(), written.slice(0, 3), [{ name: 'function-key-def', index: 3, value: null, status: 'invalid data' }], 'failed', fp, at);
    expect(refused.map(itemKey)).toEqual(['function-key-def[3]']);
    expect(after.applied).toEqual({ 'vlan-id': fp('20'), 'sip-pwd': fp('s3cret') });
  });

  it('blocks the refused value on the next plan, and offers a corrected one', () => {
    const { state: after } = recordWriteResult(state(), [{ name: 'function-key-def', index: 3, value: '999' }], [{ name: 'function-key-def', index: 3, value: null, status: 'invalid data' }], 'accepted', fp, at);
    expect(planDelivery([wanted('function-key-def', '999', { index: 3 })], after, fp)).toEqual({ write: [], drift: [], blocked: ['function-key-def[3]'] });
    expect(planDelivery([wanted('function-key-def', '31', { index: 3 })], after, fp).write).toEqual([{ name: 'function-key-def', index: 3, value: '31' }]);
  });
});

describe('delivery round trip', () => {
  const facts = { mac: '00:1A:E8:00:00:01', e164: '498912345', deviceType: 'OpenStage 60', user: 'jdoe', site: { name: 'Munich', sntp: '10.0.0.1' } };
  const profiles: Profile[] = [
    {
      id: 'p-fleet',
      name: 'fleet',
      layer: 'fleet',
      items: [
        { name: 'reg-addr', value: 'pbx.example.com' },
        { name: 'reg-port', value: '5060' },
        { name: 'sntp-addr', value: '{{site.sntp}}' },
        { name: 'sip-user-id', value: '{{e164}}' },
        { name: 'sip-pwd', value: 's3cret' },
        { name: 'admin-pwd', value: 'adm1n' },
        { name: 'display-id', value: null },
        { name: 'function-key-def', index: 1, value: '31' },
        { name: 'key-label', index: 1, value: 'Line' },
      ],
    },
    {
      id: 'p-sales',
      name: 'sales',
      layer: 'group',
      mergeIndexedGroups: true,
      items: [
        { name: 'function-key-def', index: 2, value: '1' },
        { name: 'key-label', index: 2, value: 'Sales {{user}}' },
        { name: 'vlan-id', value: '20' },
      ],
    },
  ];
  const result = effectiveConfiguration(profiles, facts);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const effective = result.items;
  // What a phone fresh from the factory reports: defaults, and nothing for its passwords.
  const factoryReport: WpiItem[] = [
    { name: 'reg-addr', value: null },
    { name: 'reg-port', value: '5060' },
    { name: 'sntp-addr', value: null },
    { name: 'sip-user-id', value: null },
    { name: 'sip-pwd', value: null },
    { name: 'display-id', value: '' },
    { name: 'function-key-def', index: 1, value: '0' },
    { name: 'function-key-def', index: 2, value: '0' },
    { name: 'key-label', index: 1, value: '' },
    { name: 'key-label', index: 2, value: '' },
    { name: 'vlan-id', value: '0' },
  ];

  it('converges: once the plan is written and accepted, the next plan is empty', () => {
    const first = planDelivery(effective, observeFullReport(state(), factoryReport, fp), fp);
    expect(keys(first.write).sort()).toEqual(
      ['admin-pwd', 'function-key-def[1]', 'function-key-def[2]', 'key-label[1]', 'key-label[2]', 'reg-addr', 'sip-pwd', 'sip-user-id', 'sntp-addr', 'vlan-id'].sort(),
    );
    expect(first.write).toContainEqual({ name: 'key-label', index: 2, value: 'Sales jdoe' });
    expect(first.write).toContainEqual({ name: 'sntp-addr', value: '10.0.0.1' });

    const { state: after, refused } = recordWriteResult(observeFullReport(state(), factoryReport, fp), first.write, [], 'accepted', fp, at);
    expect(refused).toEqual([]);
    expect(planDelivery(effective, after, fp)).toEqual({ write: [], drift: [], blocked: [] });
  });

  it('stays converged after the next full report of the same configuration', () => {
    const start = observeFullReport(state(), factoryReport, fp);
    const { write } = planDelivery(effective, start, fp);
    const { state: after } = recordWriteResult(start, write, [], 'accepted', fp, at);
    const now = new Map(factoryReport.map((i) => [itemKey(i), i]));
    for (const item of write) now.set(itemKey(item), { ...item, value: /pwd/.test(item.name) ? null : item.value });
    const reread = observeFullReport(after, [...now.values()], fp);
    expect(planDelivery(effective, reread, fp)).toEqual({ write: [], drift: [], blocked: [] });
  });

  it('converges apart from a refused item, which stays blocked', () => {
    const start = observeFullReport(state(), factoryReport, fp);
    const { write } = planDelivery(effective, start, fp);
    const { state: after } = recordWriteResult(start, write, [{ name: 'key-label', index: 2, value: null, status: 'invalid data' }], 'accepted', fp, at);
    expect(planDelivery(effective, after, fp)).toEqual({ write: [], drift: [], blocked: ['key-label[2]'] });
  });

  it('writes the secrets again after a factory reset', () => {
    const start = observeFullReport(state(), factoryReport, fp);
    const { write } = planDelivery(effective, start, fp);
    const { state: after } = recordWriteResult(start, write, [], 'accepted', fp, at);
    const reset = observeFullReport(after, factoryReport, fp);
    expect(keys(planDelivery(effective, reset, fp).write).sort()).toEqual(keys(write).sort());
  });
});

describe('adoptLocalChanges', () => {
  const effective = [
    wanted('display-id', 'Reception', { policy: 'adopt' }),
    wanted('key-label', 'Line', { index: 1, policy: 'adopt' }),
    wanted('key-label', 'Sales', { index: 2, policy: 'adopt' }),
    wanted('hostname', '', { policy: 'adopt' }),
    wanted('sip-pwd', 's3cret', { policy: 'adopt' }),
    wanted('vlan-id', '20'),
  ];

  it('adopts only changed items under the adopt policy, keeping their index', () => {
    const changed: WpiItem[] = [
      { name: 'display-id', value: 'Front desk' },
      { name: 'key-label', index: 1, value: 'Line' },
      { name: 'key-label', index: 2, value: 'Team' },
      { name: 'hostname', value: null },
      { name: 'vlan-id', value: '30' },
      { name: 'not-wanted', value: 'x' },
    ];
    expect(adoptLocalChanges(effective, changed)).toEqual([
      { name: 'display-id', value: 'Front desk' },
      { name: 'key-label', index: 2, value: 'Team' },
    ]);
  });

  it('never adopts a secret, even under the adopt policy', () => {
    expect(adoptLocalChanges(effective, [{ name: 'sip-pwd', value: 'ch4nged' }])).toEqual([]);
  });

  it('leaves enforced items to be written back', () => {
    const changed: WpiItem[] = [{ name: 'vlan-id', value: '30' }];
    expect(adoptLocalChanges(effective, changed)).toEqual([]);
    expect(planDelivery(effective, state({ observed: { 'display-id': 'Reception', 'key-label[1]': 'Line', 'key-label[2]': 'Sales', 'hostname': '', 'vlan-id': '30' }, applied: { 'sip-pwd': fp('s3cret') } }), fp).write).toEqual([{ name: 'vlan-id', value: '20' }]);
  });

  it('adopts the clearing of an item', () => {
    expect(adoptLocalChanges(effective, [{ name: 'display-id', value: null }])).toEqual([{ name: 'display-id', value: null }]);
  });
});
