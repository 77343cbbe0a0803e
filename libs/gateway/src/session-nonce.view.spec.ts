import { SessionNonceView } from './session-nonce.view';

const MAC = '00:1A:E8:00:00:01';
const OTHER = '00:1A:E8:00:00:02';
const ID1 = '6f1c2a3e-1b2c-4d5e-8f90-123456789ab1';
const ID2 = '6f1c2a3e-1b2c-4d5e-8f90-123456789ab2';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');

function clockedView(opts: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: T0 };
  const view = new SessionNonceView({ ttlMs: opts.ttlMs ?? 600_000, now: () => clock.now, ...(opts.maxEntries ? { maxEntries: opts.maxEntries } : {}) });
  const opened = (nonce: string, mac = MAC, interactionId = ID1, atMs = clock.now) => ({ nonce, mac, interactionId, at: new Date(atMs).toISOString() });
  return { view, clock, opened };
}

describe('SessionNonceView', () => {
  it('finds the phone and interaction a nonce was opened with', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1'));
    expect(view.find('N1')).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
    expect(view.find('N2')).toEqual({ kind: 'unknown' });
  });

  it('forgets a nonce once the session lifetime has passed since its opening', () => {
    const { view, clock, opened } = clockedView({ ttlMs: 1000 });
    view.remember(opened('N1'));
    clock.now += 999;
    expect(view.find('N1').kind).toBe('found');
    clock.now += 1;
    expect(view.find('N1').kind).toBe('unknown');
    expect(view.size).toBe(0);
  });

  it('ignores replayed sessions that were over before they arrived', () => {
    const { view, opened } = clockedView({ ttlMs: 1000 });
    view.remember(opened('OLD', MAC, ID1, T0 - 1000));
    view.remember({ nonce: 'BAD', mac: MAC, interactionId: ID1, at: 'not a date' });
    expect(view.size).toBe(0);
  });

  it('sweeps expired entries as new ones arrive', () => {
    const { view, clock, opened } = clockedView({ ttlMs: 1000 });
    view.remember(opened('N1'));
    view.remember(opened('N2'));
    clock.now += 1500;
    view.remember(opened('N3'));
    expect(view.size).toBe(1);
  });

  it('evicts the oldest entries beyond its cap', () => {
    const { view, clock, opened } = clockedView({ maxEntries: 3 });
    for (const nonce of ['N1', 'N2', 'N3', 'N4']) {
      view.remember(opened(nonce));
      clock.now += 1;
    }
    expect(view.size).toBe(3);
    expect(view.find('N1').kind).toBe('unknown');
    expect(['N2', 'N3', 'N4'].map((n) => view.find(n).kind)).toEqual(['found', 'found', 'found']);
  });

  it('counts a refreshed entry as new when evicting', () => {
    const { view, clock, opened } = clockedView({ maxEntries: 2 });
    view.remember(opened('N1', MAC, ID1));
    clock.now += 1;
    view.remember(opened('N2', OTHER, ID1));
    clock.now += 1;
    view.remember(opened('N1', MAC, ID2));
    view.remember(opened('N3', OTHER, ID2));
    expect(view.find('N1')).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID2 } });
    expect(view.find('N2').kind).toBe('unknown');
  });

  it('keeps the later interaction when one phone reuses a nonce, whatever the arrival order', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1', MAC, ID2, T0 + 10));
    view.remember(opened('N1', MAC, ID1, T0));
    expect(view.find('N1')).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID2 } });
  });

  it('refuses to pick a phone when two phones opened interactions with one nonce', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1', MAC, ID1));
    view.remember(opened('N1', OTHER, ID2));
    expect(view.find('N1')).toEqual({ kind: 'ambiguous' });
    view.remember(opened('N1', MAC, ID1));
    expect(view.find('N1')).toEqual({ kind: 'ambiguous' });
  });

  it('answers a wait at once when the nonce is already known', async () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1'));
    await expect(view.waitFor('N1', 60_000)).resolves.toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
  });

  it('waits for a nonce that arrives while it waits', async () => {
    const { view, opened } = clockedView();
    const waiting = view.waitFor('N1', 60_000);
    setTimeout(() => view.remember(opened('N1')), 20);
    await expect(waiting).resolves.toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
  });

  it('gives up when the nonce does not arrive in time, and leaves no waiter behind', async () => {
    jest.useFakeTimers();
    try {
      const { view, opened } = clockedView();
      const waiting = view.waitFor('N1', 500);
      jest.advanceTimersByTime(499);
      view.remember(opened('N2'));
      jest.advanceTimersByTime(1);
      await expect(waiting).resolves.toEqual({ kind: 'unknown' });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('wakes every waiter of the same nonce', async () => {
    const { view, opened } = clockedView();
    const both = Promise.all([view.waitFor('N1', 60_000), view.waitFor('N1', 60_000)]);
    view.remember(opened('N1'));
    expect((await both).map((l) => l.kind)).toEqual(['found', 'found']);
  });

  it('releases its waiters on close and no longer waits afterwards', async () => {
    jest.useFakeTimers();
    try {
      const { view } = clockedView();
      const waiting = view.waitFor('N1', 60_000);
      view.close();
      await expect(waiting).resolves.toEqual({ kind: 'unknown' });
      await expect(view.waitFor('N2', 60_000)).resolves.toEqual({ kind: 'unknown' });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
