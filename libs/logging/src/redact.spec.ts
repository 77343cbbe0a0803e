import { createLogger } from './logger';
import { MASK, maskSecretItems, redact } from './redact';

describe('redact', () => {
  it.each([
    ['sip-pwd', 's3cret'],
    ['admin-pwd', '123456'],
    ['line-sip-pwd', 'x'],
    ['restart-password', '124816'],
    ['dls-client-certificate', '-----BEGIN PRIVATE KEY-----'],
    ['bootstrapping-tan', '123'],
  ])('masks the value of the secret item %s', (name, value) => {
    expect(redact({ items: [{ name, value, index: 1 }] })).toEqual({ items: [{ name, value: MASK, index: 1 }] });
  });

  it('keeps ordinary items and null secret values as they are', () => {
    const items = [
      { name: 'e164', value: '4989' },
      { name: 'user-pwd-unicode', value: null, status: 'failed' },
    ];
    expect(redact({ items })).toEqual({ items });
  });

  it('masks fields named like secrets at any depth', () => {
    expect(redact({ a: { sessionSecret: 'k', cookie: 'JSESSIONID=1', apiKey: 'x', ok: 1 } })).toEqual({
      a: { sessionSecret: MASK, cookie: MASK, apiKey: MASK, ok: 1 },
    });
  });

  it('never lets a secret item reach a log line', () => {
    const lines: string[] = [];
    const log = createLogger('test', 'debug', (l) => lines.push(l));
    log.info('write', { mac: '00:01:E3:25:EA:13', items: [{ name: 'sip-pwd', value: 'hunter2' }] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('hunter2');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'info', service: 'test', mac: '00:01:E3:25:EA:13' });
  });

  it('drops records below the configured level', () => {
    const lines: string[] = [];
    const log = createLogger('test', 'warn', (l) => lines.push(l));
    log.info('quiet');
    log.warn('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});

describe('maskSecretItems', () => {
  it('masks secret values, keeps null secrets and ordinary items', () => {
    expect(
      maskSecretItems([
        { name: 'sip-pwd', value: 'x' },
        { name: 'admin-pwd', value: null, status: 'failed' },
        { name: 'e164', value: '4989' },
      ]),
    ).toEqual([
      { name: 'sip-pwd', value: MASK },
      { name: 'admin-pwd', value: null, status: 'failed' },
      { name: 'e164', value: '4989' },
    ]);
  });
});
