import { DeadLetterSchema } from '@workpoint/contracts';
import { MASK } from '@workpoint/logging';
import { deadLetterOf } from './dead-letter';
import type { RawMessage } from './delivery';

const MB = 1_048_576;
const raw = (value: string): RawMessage => ({ topic: 'wpi.contact.received.v1', key: '00:1A:E8:00:00:01', value, headers: {} });
const bytes = (letter: unknown) => Buffer.byteLength(JSON.stringify(letter));

describe('deadLetterOf', () => {
  const contact = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      mac: '00:1A:E8:00:00:01',
      message: { items: [{ name: 'sip-pwd', value: 'hunter2' }, { name: 'e164', value: '4989' }, { name: 'device-type', value: 'X'.repeat(MB) }], ...extra },
    });

  it('masks secret items in a JSON value and keeps the rest readable', () => {
    const letter = deadLetterOf(raw(JSON.stringify({ items: [{ name: 'sip-pwd', value: 'hunter2' }, { name: 'e164', value: '4989' }], sessionCookie: 'JSESSIONID=abc' })), 'g', 'boom', 4);
    expect(DeadLetterSchema.parse(letter)).toEqual(letter);
    expect(letter.value).not.toContain('hunter2');
    expect(letter.value).not.toContain('JSESSIONID=abc');
    expect(JSON.parse(letter.value)).toEqual({ items: [{ name: 'sip-pwd', value: MASK }, { name: 'e164', value: '4989' }], sessionCookie: MASK });
    expect(letter).toMatchObject({ sourceTopic: 'wpi.contact.received.v1', groupId: 'g', key: '00:1A:E8:00:00:01', error: 'boom', attempts: 4 });
  });

  it('bounds a letter carrying sip-pwd and a 1 MB value to 64 KiB, still valid JSON inside', () => {
    const letter = deadLetterOf(raw(contact()), 'g', 'value too long for type character varying(64)', 4);
    expect(DeadLetterSchema.safeParse(letter).success).toBe(true);
    expect(bytes(letter)).toBeLessThanOrEqual(65_536);
    expect(letter.value).not.toContain('hunter2');
    const value = JSON.parse(letter.value) as { message: { items: Array<{ name: string; value: string }> } };
    expect(value.message.items[0]).toEqual({ name: 'sip-pwd', value: MASK });
    expect(value.message.items[2]!.value).toMatch(/^X{4096}…\[truncated \d+ chars\]$/);
  });

  it('cuts a value that is still too large after its strings were bounded, and marks it', () => {
    const many = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ name: 'sip-pwd', value: `secret-${i}`, index: i })) });
    const letter = deadLetterOf(raw(many), 'g', 'e', 1, 16_384);
    expect(bytes(letter)).toBeLessThanOrEqual(16_384);
    expect(letter.value).toMatch(/…\[truncated \d+ bytes\]$/);
    expect(letter.value).not.toMatch(/secret-\d/);
    expect(DeadLetterSchema.safeParse(letter).success).toBe(true);
  });

  it('masks what it can in a value that is not JSON, and bounds it', () => {
    const broken = `${contact().slice(0, 200)}${'Z'.repeat(MB)}`;
    const letter = deadLetterOf(raw(broken), 'g', 'not JSON: Unexpected token', 0);
    expect(bytes(letter)).toBeLessThanOrEqual(65_536);
    expect(letter.value).not.toContain('hunter2');
    expect(letter.value).toContain(`"name":"sip-pwd","value":"${MASK}"`);
    expect(letter.value).toMatch(/…\[truncated \d+ bytes\]$/);
  });

  it('bounds a huge error message and key to what the contract allows', () => {
    const letter = deadLetterOf({ ...raw('{}'), key: 'k'.repeat(MB) }, 'g', `failed: "password":"pw1" ${'e'.repeat(MB)}`, 2);
    expect(DeadLetterSchema.safeParse(letter).success).toBe(true);
    expect(letter.error).not.toContain('pw1');
    expect(bytes(letter)).toBeLessThanOrEqual(65_536);
  });
});
