import { z } from 'zod';
import { deterministicEventId, uuidV5 } from './event-id';

describe('uuidV5', () => {
  it.each([
    // Reference values of RFC 9562 / Python's uuid.uuid5.
    ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com', '2ed6657d-e927-568b-95e1-2665a8aea6a2'],
    ['6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'http://python.org/', '4c565f0d-3f5a-5890-b41b-20cf47701c5e'],
  ])('in namespace %s names %s as %s', (namespace, name, expected) => {
    expect(uuidV5(name, namespace)).toBe(expected);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow('namespace is not a UUID');
  });
});

describe('deterministicEventId', () => {
  const contactId = '3f1c2b7e-6a0d-4c1e-9f7a-2b8d5e4c3a10';

  it('gives the same id for the same cause, so a republished event can be dropped', () => {
    expect(deterministicEventId(contactId, 'inventory.phone.registered.v1')).toBe(deterministicEventId(contactId, 'inventory.phone.registered.v1'));
  });

  it('gives different ids for different events of one contact', () => {
    expect(deterministicEventId(contactId, 'inventory.phone.registered.v1')).not.toBe(deterministicEventId(contactId, 'inventory.phone.changes-reported.v1'));
  });

  it('keeps the parts apart: ("ab", "c") is not ("a", "bc")', () => {
    expect(deterministicEventId('ab', 'c')).not.toBe(deterministicEventId('a', 'bc'));
  });

  it('is a version 5 UUID with the RFC variant, accepted by the contracts', () => {
    const id = deterministicEventId(contactId, 'configuration.fault.raised.v1', 'sip-pwd', '1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });
});
