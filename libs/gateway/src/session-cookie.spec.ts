import { SessionCookies } from './session-cookie';

const secret = 'k'.repeat(32);
const claims = { mac: '00:01:E3:25:EA:13', interactionId: '6f1c2a3e-1b2c-4d5e-8f90-123456789abc' };

describe('SessionCookies', () => {
  it('verifies a cookie issued by another instance sharing the key', () => {
    const a = new SessionCookies(secret, 600);
    const b = new SessionCookies(secret, 600);
    expect(b.verify(`JSESSIONID=${a.issue(claims)}`)).toEqual(claims);
  });

  it.each([
    ['attributes echoed as cookies (firmware quirk)', (v: string) => `JSESSIONID=${v}; path=/`],
    ['a stale cookie of another server first', (v: string) => `PHPSESSID=abc; path=/; JSESSIONID=${v}`],
    ['a stale JSESSIONID before the valid one', (v: string) => `JSESSIONID=E069BFAE; JSESSIONID=${v}`],
  ])('is lenient with %s', (_name, header) => {
    const s = new SessionCookies(secret, 600);
    expect(s.verify(header(s.issue(claims)))).toEqual(claims);
  });

  it.each([
    ['no header', undefined],
    ['another key', `JSESSIONID=${new SessionCookies('x'.repeat(32), 600).issue(claims)}`],
    ['a tampered MAC', `JSESSIONID=${new SessionCookies(secret, 600).issue(claims).replace('0001E3', '0001E4')}`],
    ['garbage', 'JSESSIONID=....'],
  ])('rejects %s', (_name, header) => {
    expect(new SessionCookies(secret, 600).verify(header)).toBeUndefined();
  });

  it('rejects an expired cookie', () => {
    let now = 1_000_000_000_000;
    const s = new SessionCookies(secret, 600, { now: () => now });
    const value = s.issue(claims);
    now += 601_000;
    expect(s.verify(`JSESSIONID=${value}`)).toBeUndefined();
  });

  it('sets and clears the cookie with Path=/', () => {
    const s = new SessionCookies(secret, 600);
    expect(s.setCookie(claims)).toMatch(/^JSESSIONID=[^;]+; Path=\/; Max-Age=600; Secure; HttpOnly$/);
    expect(s.clearCookie()).toMatch(/^JSESSIONID=; Path=\/; Max-Age=0/);
  });
});
