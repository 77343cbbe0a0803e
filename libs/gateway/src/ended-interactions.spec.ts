import { EndedInteractions } from './ended-interactions';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const id = (n: number) => `6f1c2a3e-1b2c-4d5e-8f90-${String(n).padStart(12, '0')}`;

function clocked(opts: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: T0 };
  const ended = new EndedInteractions({ ttlMs: opts.ttlMs ?? 600_000, now: () => clock.now, ...(opts.maxEntries ? { maxEntries: opts.maxEntries } : {}) });
  const at = (ms = clock.now) => new Date(ms).toISOString();
  return { ended, clock, at };
}

describe('EndedInteractions', () => {
  it('knows an interaction that ended until its cookie would have expired anyway (plus the clock skew a cookie is allowed)', () => {
    const { ended, clock, at } = clocked({ ttlMs: 1000 });
    ended.add({ interactionId: id(1), at: at() });
    expect(ended.has(id(1))).toBe(true);
    expect(ended.has(id(2))).toBe(false);
    clock.now += 1000 + 59_999;
    expect(ended.has(id(1))).toBe(true);
    clock.now += 1;
    expect(ended.has(id(1))).toBe(false);
    expect(ended.size).toBe(0);
  });

  it('ignores endings too old to matter and ones with no valid time', () => {
    const { ended, at } = clocked({ ttlMs: 1000 });
    ended.add({ interactionId: id(1), at: at(T0 - 61_000) });
    ended.add({ interactionId: id(2), at: 'not a date' });
    expect(ended.size).toBe(0);
  });

  it('forgets the oldest beyond its cap and sweeps expired ones as new ones arrive', () => {
    const { ended, clock, at } = clocked({ ttlMs: 1000, maxEntries: 2 });
    for (const n of [1, 2, 3]) ended.add({ interactionId: id(n), at: at() });
    expect([1, 2, 3].map((n) => ended.has(id(n)))).toEqual([false, true, true]);
    clock.now += 61_000;
    ended.add({ interactionId: id(4), at: at() });
    expect(ended.size).toBe(1);
  });

  it('counts an interaction once however often its ending is reported', () => {
    const { ended, at } = clocked();
    ended.add({ interactionId: id(1), at: at() });
    ended.add({ interactionId: id(1), at: at() });
    expect(ended.size).toBe(1);
  });
});
