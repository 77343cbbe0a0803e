import { type ContactEvent, PhoneChangesReportedSchema, PhoneRegisteredSchema } from '@workpoint/contracts';
import { changesReportedEvent, phoneRegisteredEvent } from './phone-events.builder';

const mac = '00:1A:E8:12:34:56';
const contact = (contactId: string, items: ContactEvent['message']['items']): ContactEvent => ({
  contactId,
  interactionId: '0d6f4c2a-1b3e-4a5d-9c7b-8e6f5a4d3c2b',
  gatewayId: 'gw-1',
  mac,
  remoteAddress: '10.0.0.7',
  receivedAt: '2025-11-25T10:00:00.000Z',
  answerBy: '2025-11-25T10:00:08.000Z',
  message: { nonce: 'ABCDEF0123456789', maxItems: -1, reason: 'start-up', items },
});
const first = '3f1c2b7e-6a0d-4c1e-9f7a-2b8d5e4c3a10';
const second = '7a9e0c1d-2b3f-4e5a-8b6c-9d0e1f2a3b4c';

const noFacts = { deviceType: null, softwareVersion: null, e164: null };

describe('phoneRegisteredEvent', () => {
  it('carries the phone facts of its first contact, and validates', () => {
    const event = phoneRegisteredEvent(contact(first, [{ name: 'mac-addr', value: mac }]), { deviceType: 'OpenStage 60', softwareVersion: 'V3 R5.12.0', e164: '4989722' });
    expect(PhoneRegisteredSchema.parse(event)).toEqual({
      eventId: expect.any(String),
      occurredAt: '2025-11-25T10:00:00.000Z',
      mac,
      deviceType: 'OpenStage 60',
      softwareVersion: 'V3 R5.12.0',
      e164: '4989722',
      contactId: first,
    });
  });

  it('leaves out the facts the phone did not report', () => {
    const event = phoneRegisteredEvent(contact(first, [{ name: 'mac-addr', value: mac }, { name: 'e164', value: null }]), noFacts);
    expect(Object.keys(event).sort()).toEqual(['contactId', 'eventId', 'mac', 'occurredAt']);
  });

  it('is the same event when the contact is delivered again, and another for another contact', () => {
    const items = [{ name: 'mac-addr', value: mac }];
    expect(phoneRegisteredEvent(contact(first, items), noFacts)).toEqual(phoneRegisteredEvent(contact(first, items), noFacts));
    expect(phoneRegisteredEvent(contact(second, items), noFacts).eventId).not.toBe(phoneRegisteredEvent(contact(first, items), noFacts).eventId);
  });
});

describe('changesReportedEvent', () => {
  it('masks secret values and validates', () => {
    const items = [
      { name: 'sip-pwd', value: 'hunter2' },
      { name: 'dhcp', value: 'false' },
      { name: 'admin-pwd', value: null, status: 'failed' },
    ];
    const event = changesReportedEvent(contact(first, items), 'local-changes', items);
    expect(PhoneChangesReportedSchema.parse(event).items).toEqual([
      { name: 'sip-pwd', value: '***' },
      { name: 'dhcp', value: 'false' },
      { name: 'admin-pwd', value: null, status: 'failed' },
    ]);
    expect(JSON.stringify(event)).not.toContain('hunter2');
  });

  it('has an id of its own, distinct from the registration of the same contact', () => {
    const c = contact(first, []);
    expect(changesReportedEvent(c, 'inventory-changes', []).eventId).not.toBe(phoneRegisteredEvent(c, noFacts).eventId);
    expect(changesReportedEvent(c, 'inventory-changes', []).eventId).toBe(changesReportedEvent(c, 'inventory-changes', []).eventId);
  });
});
