import { assertRetryPolicy, decideRequest, nextAttempt, retryDelayMs } from './contact-me.rules';
import { TokenBucketLimiter } from './token-bucket.limiter';

const policy = { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 100_000 };

describe('decideRequest (the gap rule)', () => {
  it.each([
    ['joins an active contact, whatever the gap', { active: true, lastStartedAt: 1000 }, 2000, { kind: 'coalesce' }],
    ['refuses a request within the gap, saying when it is allowed', { active: false, lastStartedAt: 1000 }, 60_999, { kind: 'within-gap', nextAllowedAt: 61_000 }],
    ['starts a contact exactly one gap after the last start', { active: false, lastStartedAt: 1000 }, 61_000, { kind: 'start' }],
    ['starts a contact for a phone never asked', { active: false, lastStartedAt: undefined }, 5, { kind: 'start' }],
  ])('%s', (_name, state, now, expected) => {
    expect(decideRequest(state, now, 60_000)).toEqual(expected);
  });
});

describe('retry rules', () => {
  it('doubles the wait per failed attempt, capped', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n))).toEqual([60_000, 100_000, 100_000]);
  });

  it('retries only what did not reach the phone, up to the attempts, and only when the outcome is trustworthy', () => {
    expect(nextAttempt(policy, 1, { kind: 'timed-out' }, 10)).toEqual({ final: false, retryAt: 60_010 });
    expect(nextAttempt(policy, 2, { kind: 'unreachable', error: 'ECONNREFUSED' }, 10)).toEqual({ final: false, retryAt: 100_010 });
    expect(nextAttempt(policy, 3, { kind: 'timed-out' }, 10)).toEqual({ final: true });
    expect(nextAttempt(policy, 1, { kind: 'refused', status: 500 }, 10)).toEqual({ final: true });
    expect(nextAttempt(policy, 1, { kind: 'accepted', status: 204 }, 10)).toEqual({ final: true });
    expect(nextAttempt(policy, 1, { kind: 'invalid-target', reason: 'x' }, 10)).toEqual({ final: true });
    expect(nextAttempt(policy, 1, { kind: 'unreachable', error: 'sender failed' }, 10, false)).toEqual({ final: true });
  });

  it('refuses retries faster than once a second (protocol.md §2.5) and a cap below the base', () => {
    expect(() => assertRetryPolicy({ attempts: 2, baseDelayMs: 999, maxDelayMs: 5000 })).toThrow(/baseDelayMs/);
    expect(() => assertRetryPolicy({ attempts: 2, baseDelayMs: 2000, maxDelayMs: 1000 })).toThrow(/maxDelayMs/);
    expect(() => assertRetryPolicy({ attempts: 0, baseDelayMs: 2000, maxDelayMs: 2000 })).toThrow(/attempts/);
  });
});

/** The start times a limiter lets through for `count` starts all wanting to go at 0, each wait rounded up to a whole ms as ContactMeRelay sleeps. */
function startsOf(limiter: TokenBucketLimiter, count: number): number[] {
  const starts: number[] = [];
  let now = 0;
  while (starts.length < count) {
    const wait = limiter.tryTake(now);
    if (wait <= 0) starts.push(now);
    else now += Math.ceil(wait);
  }
  return starts;
}

describe('TokenBucketLimiter (the pace of attempts)', () => {
  it('starts no faster than ratePerSecond, on an even pace and not needlessly slower', () => {
    const starts = startsOf(new TokenBucketLimiter(100), 2000);
    starts.forEach((at, i) => expect(at).toBe(i * 10));
    // Any one-second window holds at most 100 starts.
    for (let i = 100; i < starts.length; i++) expect(starts[i]! - starts[i - 100]!).toBeGreaterThanOrEqual(1000);
  });

  it('never runs ahead of a fractional rate', () => {
    startsOf(new TokenBucketLimiter(3), 30).forEach((at, i) => expect(at).toBeGreaterThanOrEqual((i * 1000) / 3));
  });

  it('allows a configured burst, then the pace', () => {
    expect(startsOf(new TokenBucketLimiter(10, 5), 8)).toEqual([0, 0, 0, 0, 0, 100, 200, 300]);
  });

  it.each([
    ['rate 0', () => new TokenBucketLimiter(0)],
    ['burst 0', () => new TokenBucketLimiter(10, 0)],
  ])('rejects %s', (_name, make) => {
    expect(make).toThrow(RangeError);
  });
});
