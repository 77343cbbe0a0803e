import { CookieJar } from './cookie.jar';

describe('CookieJar', () => {
  it('has nothing to send before a Set-Cookie arrived', () => {
    expect(new CookieJar().header()).toBeUndefined();
  });

  it('keeps name=value pairs, drops attributes, and ignores Domain/Path', () => {
    const jar = new CookieJar();
    jar.store(['JSESSIONID=ABC; Path=/DeploymentService; Secure', 'route=gw1; Domain=other.example; HttpOnly']);
    expect(jar.header()).toBe('JSESSIONID=ABC; route=gw1');
  });

  it('replaces a cookie of the same name and deletes expired ones', () => {
    const jar = new CookieJar();
    jar.store(['a=1', 'b=2']);
    jar.store(['a=3', 'b=; Max-Age=0']);
    expect(jar.header()).toBe('a=3');
    jar.store(['a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header()).toBeUndefined();
  });

  it('keeps values containing "="', () => {
    const jar = new CookieJar();
    jar.store(['token=a=b==; Path=/']);
    expect(jar.header()).toBe('token=a=b==');
  });

  it('appends "; path=/" with the firmware quirk', () => {
    const jar = new CookieJar(true);
    jar.store(['PHPSESSID=xyz; path=/']);
    expect(jar.header()).toBe('PHPSESSID=xyz; path=/');
  });

  it('ignores malformed headers', () => {
    const jar = new CookieJar();
    jar.store(['novalue', '=nameless', '']);
    expect(jar.header()).toBeUndefined();
  });
});
