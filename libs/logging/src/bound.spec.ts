import { boundStrings, fitJsonString, maskSecretsInText } from './bound';
import { createLogger } from './logger';
import { MASK } from './redact';

const bytes = (s: string) => Buffer.byteLength(s);

describe('log lines are bounded', () => {
  const capture = (maxLineBytes?: number) => {
    const lines: string[] = [];
    return { lines, logger: createLogger('t', 'debug', (l) => lines.push(l), maxLineBytes ? { maxLineBytes } : {}) };
  };

  it('leaves ordinary lines alone', () => {
    const { lines, logger } = capture();
    logger.info('hello', { mac: '00:1A:E8:00:00:01', n: 1 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', mac: '00:1A:E8:00:00:01', n: 1 });
    expect(lines[0]).not.toContain('truncated');
  });

  it('cuts a 1 MB field to keep the line within 8 KiB, still one JSON record with its other fields', () => {
    const { lines, logger } = capture();
    logger.warn('phone sent a long value', { mac: '00:1A:E8:00:00:01', value: 'A'.repeat(1_048_576) });
    expect(bytes(lines[0]!)).toBeLessThanOrEqual(8192);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ msg: 'phone sent a long value', mac: '00:1A:E8:00:00:01', truncated: true });
    expect(record['value']).toMatch(/^A+…\[truncated \d+ chars\]$/);
  });

  it('bounds a line with many fields and multi-byte text to the configured size', () => {
    const { lines, logger } = capture(2048);
    logger.error('many', Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, '€'.repeat(100)])));
    expect(bytes(lines[0]!)).toBeLessThanOrEqual(2048);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'many', truncated: true });
  });

  it('still masks secrets in a record it has to cut', () => {
    const { lines, logger } = capture();
    logger.info('items', { items: [{ name: 'sip-pwd', value: 'hunter2' }], big: 'x'.repeat(100_000) });
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).toContain(MASK);
  });
});

describe('boundStrings / fitJsonString', () => {
  it('cuts strings at any depth and marks them', () => {
    expect(boundStrings({ a: ['abcdef', { b: 'xyz' }], n: 3 }, 3)).toEqual({ a: ['abc…[truncated 3 chars]', { b: 'xyz' }], n: 3 });
  });

  it('never splits a surrogate pair', () => {
    expect(boundStrings('a😀b', 2)).toBe('a…[truncated 3 chars]');
  });

  it('fits text, escaped as a JSON string, into a byte budget', () => {
    const text = '"quoted"\n€'.repeat(10_000);
    const fitted = fitJsonString(text, 1000);
    expect(bytes(JSON.stringify(fitted))).toBeLessThanOrEqual(1000);
    expect(bytes(JSON.stringify(fitted))).toBeGreaterThan(900);
    expect(fitted).toMatch(/…\[truncated \d+ bytes\]$/);
    expect(fitJsonString('short', 1000)).toBe('short');
  });
});

describe('maskSecretsInText', () => {
  it('masks secret items and secret fields in broken JSON, keeping the rest', () => {
    const text = '{"mac":"00:1A","items":[{"name":"sip-pwd","value":"hunter2"},{"name":"e164","value":"4989"}],"apiKey":"wpk_1","token":"unterminat';
    const masked = maskSecretsInText(text);
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain('wpk_1');
    expect(masked).not.toContain('unterminat');
    expect(masked).toContain('{"name":"e164","value":"4989"}');
    expect(masked).toContain(`{"name":"sip-pwd","value":"${MASK}"}`);
  });
});
