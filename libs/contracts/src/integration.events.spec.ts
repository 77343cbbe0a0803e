import type { TopicContract } from './topic-contract';
import {
  ConfigAppliedTopic,
  DriftDetectedTopic,
  FaultRaisedTopic,
  INTEGRATION_TOPICS,
  PhoneChangesReportedTopic,
  PhoneRegisteredTopic,
} from './integration.events';
import { FIXED_TOPICS } from './topic-registry';

const base = { eventId: '9b2d6f1e-3c4a-5b7d-8e9f-0a1b2c3d4e5f', occurredAt: '2025-11-25T10:00:00.000Z', mac: '00:1A:E8:12:34:56' };
const contactId = '3f1c2b7e-6a0d-4c1e-9f7a-2b8d5e4c3a10';

const valid: Array<[string, TopicContract<unknown>, Record<string, unknown>]> = [
  ['a registration with the phone facts', PhoneRegisteredTopic, { ...base, contactId, deviceType: 'OpenStage 60', softwareVersion: 'V3 R5.12.0', e164: '4989722' }],
  ['a registration without facts', PhoneRegisteredTopic, { ...base, contactId }],
  [
    'a local change, secret masked, indexed item',
    PhoneChangesReportedTopic,
    { ...base, contactId, kind: 'local-changes', items: [{ name: 'dhcp', value: 'false' }, { name: 'sip-pwd', value: '***' }, { name: 'function-key-def', index: 3, value: '1' }] },
  ],
  ['an inventory change', PhoneChangesReportedTopic, { ...base, contactId, kind: 'inventory-changes', items: [{ name: 'key-modules', value: '1' }] }],
  ['an accepted write, secret masked', ConfigAppliedTopic, { ...base, jobId: '42', outcome: 'accepted', written: 2, refused: [], items: [{ name: 'e164', value: '4989722' }, { name: 'sip-pwd', value: '***' }] }],
  [
    'a partly accepted write with a refusal',
    ConfigAppliedTopic,
    {
      ...base,
      jobId: '43',
      outcome: 'partly-accepted',
      written: 1,
      refused: [{ name: 'function-key-def', index: 2, status: 'read only', reason: 'locked by the administrator' }],
      items: [{ name: 'function-key-def', index: 2, value: null }],
    },
  ],
  [
    'a drift of a plain, a masked secret and an indexed item',
    DriftDetectedTopic,
    {
      ...base,
      items: [
        { name: 'vlan-id', reported: '10', desired: '20', policy: 'enforce' },
        { name: 'admin-pwd', reported: '***', desired: '***', policy: 'enforce' },
        { name: 'function-key-def', index: 1, reported: null, desired: '5', policy: 'adopt' },
      ],
      action: 'rewrite',
    },
  ],
  ['a fault with the refused value', FaultRaisedTopic, { ...base, item: { name: 'sntp-addr' }, status: 'invalid data', value: 'not-an-address' }],
  ['a fault of a secret, masked', FaultRaisedTopic, { ...base, item: { name: 'sip-pwd', index: 1 }, status: 'read only', value: '***' }],
];

describe('integration event contracts', () => {
  it.each(valid)('accepts %s', (_what, topic, value) => {
    expect(topic.schema.safeParse(value)).toMatchObject({ success: true, data: value });
  });

  it.each<[string, TopicContract<unknown>, Record<string, unknown>, string]>([
    ['a MAC in the wrong form', PhoneRegisteredTopic, { ...base, mac: '00-1a-e8-12-34-56', contactId }, 'mac'],
    ['a missing eventId', PhoneRegisteredTopic, { occurredAt: base.occurredAt, mac: base.mac, contactId }, 'eventId'],
    ['an eventId that is not a UUID', FaultRaisedTopic, { ...base, eventId: 'evt-1', item: { name: 'x' }, status: 'unknown item', value: null }, 'eventId'],
    ['an occurredAt that is not an ISO date-time', DriftDetectedTopic, { ...base, occurredAt: 'yesterday', items: [{ name: 'x', reported: '1', desired: '2', policy: 'enforce' }], action: 'none' }, 'occurredAt'],
    ['an unknown outcome', ConfigAppliedTopic, { ...base, jobId: '42', outcome: 'done', written: 0, refused: [], items: [] }, 'outcome'],
    ['an unknown kind of report', PhoneChangesReportedTopic, { ...base, contactId, kind: 'start-up', items: [] }, 'kind'],
    ['an unknown drift policy', DriftDetectedTopic, { ...base, items: [{ name: 'x', reported: '1', desired: '2', policy: 'ignore' }], action: 'none' }, 'items.0.policy'],
    ['a drift without items', DriftDetectedTopic, { ...base, items: [], action: 'none' }, 'items'],
    ['a negative written count', ConfigAppliedTopic, { ...base, jobId: '42', outcome: 'failed', written: -1, refused: [], items: [] }, 'written'],
    ['a secret reported in clear', PhoneChangesReportedTopic, { ...base, contactId, kind: 'local-changes', items: [{ name: 'sip-pwd', value: 'hunter2' }] }, 'items.0.value'],
    ['a secret written in clear', ConfigAppliedTopic, { ...base, jobId: '42', outcome: 'accepted', written: 1, refused: [], items: [{ name: 'admin-pwd', value: '123456' }] }, 'items.0.value'],
    ['a desired secret in clear', DriftDetectedTopic, { ...base, items: [{ name: 'sip-pwd', reported: '***', desired: 'hunter2', policy: 'enforce' }], action: 'rewrite' }, 'items.0.desired'],
    ['a refused secret in clear', FaultRaisedTopic, { ...base, item: { name: 'line-sip-pwd', index: 2 }, status: 'invalid data', value: 'hunter2' }, 'value'],
  ])('rejects %s', (_why, topic, value, path) => {
    const result = topic.schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('ignores fields it does not know, so a producer may add optional ones within a version', () => {
    const value = { ...base, contactId, firmwareChannel: 'beta' };
    expect(PhoneRegisteredTopic.schema.parse(value)).toEqual({ ...base, contactId });
  });

  it('names every topic domain.entity.event.v1, keyed by MAC, and registers it as a fixed topic', () => {
    const topics = Object.values(INTEGRATION_TOPICS).flatMap((t): TopicContract<unknown>[] => Object.values(t));
    expect(topics.map((t) => t.name)).toEqual([
      'inventory.phone.registered.v1',
      'inventory.phone.changes-reported.v1',
      'configuration.config.applied.v1',
      'configuration.drift.detected.v1',
      'configuration.fault.raised.v1',
    ]);
    for (const topic of topics) {
      expect(topic.key).toBe('mac');
      expect(FIXED_TOPICS).toContain(topic);
    }
  });
});
