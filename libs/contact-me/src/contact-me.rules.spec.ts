import { assertRetryPolicy, decideRequest, nextAttempt, retryDelayMs } from './contact-me.rules';

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
