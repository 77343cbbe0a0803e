import { AuthFailureLimiter, sourceOf } from './auth-failure.limiter';

describe('AuthFailureLimiter', () => {
  // lru-cache reads a start time of 0 as "no start": the fake clock starts elsewhere.
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('shuts a source out at the limit, for what is left of the minute that began with its first failure', () => {
    const limiter = new AuthFailureLimiter({ failuresPerWindow: 3, maxSources: 10, now: clock });
    expect(limiter.recordFailure('192.0.2.1')).toBe(1);
    now += 20_000;
    limiter.recordFailure('192.0.2.1');
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBeUndefined();
    expect(limiter.recordFailure('192.0.2.1')).toBe(3);
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBe(40);
    now += 39_500;
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBe(1);
    now += 500;
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBeUndefined();
    expect(limiter.recordFailure('192.0.2.1')).toBe(1);
  });

  it('counts each source on its own', () => {
    const limiter = new AuthFailureLimiter({ failuresPerWindow: 2, maxSources: 10, now: clock });
    limiter.recordFailure('192.0.2.1');
    limiter.recordFailure('192.0.2.1');
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBe(60);
    expect(limiter.retryAfterSeconds('192.0.2.2')).toBeUndefined();
    expect(limiter.recordFailure('2001:db8::1')).toBe(1);
  });

  it('does not stretch the window while the source keeps knocking', () => {
    const limiter = new AuthFailureLimiter({ failuresPerWindow: 1, maxSources: 10, now: clock });
    limiter.recordFailure('192.0.2.1');
    for (let i = 0; i < 59; i++) {
      now += 1000;
      expect(limiter.retryAfterSeconds('192.0.2.1')).toBe(59 - i);
    }
    now += 1000;
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBeUndefined();
  });

  it('keeps at most maxSources entries however many addresses a client sprays', () => {
    const limiter = new AuthFailureLimiter({ failuresPerWindow: 10, maxSources: 100, now: clock });
    for (let i = 0; i < 20_000; i++) limiter.recordFailure(`2001:db8:${i.toString(16)}::1`);
    for (let i = 0; i < 20_000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.trackedSources).toBe(100);
  });

  it('refuses a limit that is no positive integer', () => {
    expect(() => new AuthFailureLimiter({ failuresPerWindow: 0, maxSources: 10 })).toThrow(RangeError);
  });
});

describe('sourceOf', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('counts %s as %s', (address, source) => {
    expect(sourceOf(address)).toBe(source);
  });

  it('shuts out a whole IPv6 /64 together, IPv4-mapped and plain IPv4 together', () => {
    const limiter = new AuthFailureLimiter({ failuresPerWindow: 2, maxSources: 10, now: () => 5_000 });
    limiter.recordFailure('2001:db8:1:2::a');
    limiter.recordFailure('2001:db8:1:2::b');
    expect(limiter.retryAfterSeconds('2001:db8:1:2:ffff::1')).toBe(60);
    expect(limiter.retryAfterSeconds('2001:db8:1:3::a')).toBeUndefined();
    limiter.recordFailure('::ffff:192.0.2.9');
    limiter.recordFailure('192.0.2.9');
    expect(limiter.retryAfterSeconds('::ffff:192.0.2.9')).toBe(60);
  });
});
