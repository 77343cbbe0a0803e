import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { EndedInteractions } from './ended-interactions';
import { SessionNonceView } from './session-nonce.view';

const MAC = '00:1A:E8:00:00:01';
const OTHER = '00:1A:E8:00:00:02';
const ID1 = '6f1c2a3e-1b2c-4d5e-8f90-123456789ab1';
const ID2 = '6f1c2a3e-1b2c-4d5e-8f90-123456789ab2';
const ID3 = '6f1c2a3e-1b2c-4d5e-8f90-123456789ab3';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const HERE = '192.0.2.10';
const ELSEWHERE = '198.51.100.20';

function clockedView(opts: { ttlMs?: number; maxEntries?: number; maxBytes?: number } = {}) {
  const clock = { now: T0 };
  const view = new SessionNonceView({
    ttlMs: opts.ttlMs ?? 600_000,
    now: () => clock.now,
    ...(opts.maxEntries ? { maxEntries: opts.maxEntries } : {}),
    ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
  });
  const opened = (nonce: string, mac = MAC, interactionId = ID1, atMs = clock.now, remoteAddress = HERE) => ({
    nonce,
    mac,
    interactionId,
    at: new Date(atMs).toISOString(),
    remoteAddress,
  });
  return { view, clock, opened };
}

describe('SessionNonceView', () => {
  it('finds the phone and interaction a nonce was opened with', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1'));
    expect(view.find('N1', HERE)).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
    expect(view.find('N2', HERE)).toEqual({ kind: 'unknown' });
  });

  it('forgets a nonce once the session lifetime has passed since its opening', () => {
    const { view, clock, opened } = clockedView({ ttlMs: 1000 });
    view.remember(opened('N1'));
    clock.now += 999;
    expect(view.find('N1', HERE).kind).toBe('found');
    clock.now += 1;
    expect(view.find('N1', HERE).kind).toBe('unknown');
    expect(view.size).toBe(0);
  });

  it('ignores replayed sessions that were over before they arrived', () => {
    const { view, opened } = clockedView({ ttlMs: 1000 });
    view.remember(opened('OLD', MAC, ID1, T0 - 1000));
    view.remember({ nonce: 'BAD', mac: MAC, interactionId: ID1, at: 'not a date', remoteAddress: HERE });
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
    expect(view.find('N1', HERE).kind).toBe('unknown');
    expect(['N2', 'N3', 'N4'].map((n) => view.find(n, HERE).kind)).toEqual(['found', 'found', 'found']);
  });

  it('counts a refreshed entry as new when evicting', () => {
    const { view, clock, opened } = clockedView({ maxEntries: 2 });
    view.remember(opened('N1', MAC, ID1));
    clock.now += 1;
    view.remember(opened('N2', OTHER, ID1));
    clock.now += 1;
    view.remember(opened('N1', MAC, ID2));
    view.remember(opened('N3', OTHER, ID2));
    expect(view.find('N1', HERE)).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID2 } });
    expect(view.find('N2', HERE).kind).toBe('unknown');
  });

  it('keeps the later interaction when one phone reuses a nonce, whatever the arrival order', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1', MAC, ID2, T0 + 10));
    view.remember(opened('N1', MAC, ID1, T0));
    expect(view.find('N1', HERE)).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID2 } });
  });

  it('refuses to pick a phone when two phones behind one address opened interactions with one nonce', () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1', MAC, ID1));
    view.remember(opened('N1', OTHER, ID2));
    expect(view.find('N1', HERE)).toEqual({ kind: 'ambiguous' });
    view.remember(opened('N1', MAC, ID1));
    expect(view.find('N1', HERE)).toEqual({ kind: 'ambiguous' });
  });

  it('answers a wait at once when the nonce is already known', async () => {
    const { view, opened } = clockedView();
    view.remember(opened('N1'));
    await expect(view.waitFor('N1', HERE, 60_000)).resolves.toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
  });

  it('waits for a nonce that arrives while it waits', async () => {
    const { view, opened } = clockedView();
    const waiting = view.waitFor('N1', HERE, 60_000);
    setTimeout(() => view.remember(opened('N1')), 20);
    await expect(waiting).resolves.toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
  });

  it('gives up when the nonce does not arrive in time, and leaves no waiter behind', async () => {
    jest.useFakeTimers();
    try {
      const { view, opened } = clockedView();
      const waiting = view.waitFor('N1', HERE, 500);
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
    const both = Promise.all([view.waitFor('N1', HERE, 60_000), view.waitFor('N1', HERE, 60_000)]);
    view.remember(opened('N1'));
    expect((await both).map((l) => l.kind)).toEqual(['found', 'found']);
  });

  it('releases its waiters on close and no longer waits afterwards', async () => {
    jest.useFakeTimers();
    try {
      const { view } = clockedView();
      const waiting = view.waitFor('N1', HERE, 60_000);
      view.close();
      await expect(waiting).resolves.toEqual({ kind: 'unknown' });
      await expect(view.waitFor('N2', HERE, 60_000)).resolves.toEqual({ kind: 'unknown' });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('bound to the source address', () => {
    it('finds a nonce only from the address its interaction was opened from', () => {
      const { view, opened } = clockedView();
      view.remember(opened('N1'));
      expect(view.find('N1', HERE).kind).toBe('found');
      expect(view.find('N1', ELSEWHERE)).toEqual({ kind: 'unknown' });
    });

    it('takes an IPv4-mapped IPv6 address for the IPv4 address it maps', () => {
      const { view, opened } = clockedView();
      view.remember(opened('N1', MAC, ID1, T0, `::FFFF:${HERE}`));
      expect(view.find('N1', HERE).kind).toBe('found');
      view.remember(opened('N2', MAC, ID2, T0, '2001:DB8::7'));
      expect(view.find('N2', '2001:db8::7').kind).toBe('found');
      expect(view.find('N2', `::ffff:${ELSEWHERE}`).kind).toBe('unknown');
    });

    it('keeps a phone found when another phone opens with its nonce from another address', () => {
      const { view, opened } = clockedView();
      view.remember(opened('N1', MAC, ID1));
      view.remember(opened('N1', OTHER, ID2, T0, ELSEWHERE));
      expect(view.find('N1', HERE)).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID1 } });
      expect(view.find('N1', ELSEWHERE)).toEqual({ kind: 'found', session: { mac: OTHER, interactionId: ID2 } });
    });

    it('ignores an opening that names no address (an event of an older gateway)', () => {
      const { view } = clockedView();
      view.remember({ nonce: 'N1', mac: MAC, interactionId: ID1, at: new Date(T0).toISOString() });
      expect(view.size).toBe(0);
      expect(view.find('N1', HERE).kind).toBe('unknown');
    });

    it('wakes a waiter only for an opening from its address', async () => {
      jest.useFakeTimers();
      try {
        const { view, opened } = clockedView();
        const waiting = view.waitFor('N1', HERE, 500);
        view.remember(opened('N1', OTHER, ID2, T0, ELSEWHERE));
        jest.advanceTimersByTime(500);
        await expect(waiting).resolves.toEqual({ kind: 'unknown' });
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('bounded by bytes', () => {
    it('evicts the oldest entries once the counted bytes pass the cap, and counts what it holds', () => {
      const { view, clock, opened } = clockedView({ maxBytes: 1000 });
      const nonces = Array.from({ length: 6 }, (_, i) => `${'N'.repeat(100)}${i}`);
      for (const nonce of nonces) {
        view.remember(opened(nonce));
        clock.now += 1;
      }
      expect(view.bytes).toBeLessThanOrEqual(1000);
      expect(view.size).toBeGreaterThan(0);
      expect(view.size).toBeLessThan(6);
      expect(view.find(nonces[0]!, HERE).kind).toBe('unknown');
      expect(view.find(nonces[5]!, HERE).kind).toBe('found');
    });

    it('gives the bytes of expired and ended entries back', () => {
      const { view, clock, opened } = clockedView({ ttlMs: 1000 });
      view.remember(opened('N1', MAC, ID1));
      view.remember(opened('N2', OTHER, ID2));
      const two = view.bytes;
      view.end({ interactionId: ID1, at: new Date(clock.now).toISOString() });
      expect(view.bytes).toBeLessThan(two);
      expect(view.bytes).toBeGreaterThan(0);
      clock.now += 1000;
      expect(view.find('N2', HERE).kind).toBe('unknown');
      expect(view.bytes).toBe(0);
    });

    it('keeps copies, not the request text its nonces were cut from', () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const { view, opened } = clockedView();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 40; i++) {
        // A megabyte of request text, and a nonce sliced out of it as a parser would.
        const body = `<Message nonce="${String(i).padStart(32, '0')}">${'x'.repeat(1024 * 1024)}${i}`;
        view.remember(opened(body.slice(16, 48), MAC, `6f1c2a3e-1b2c-4d5e-8f90-${String(i).padStart(12, '0')}`));
      }
      gc();
      // Slices would keep the 40 bodies (40 MB) alive; copies keep a few kilobytes.
      expect(view.size).toBe(40);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
    });
  });

  describe('ended interactions', () => {
    it('forgets the nonce of an interaction that ended, and ignores its opening when it arrives late', () => {
      const { view, clock, opened } = clockedView();
      view.remember(opened('N1', MAC, ID1));
      view.end({ interactionId: ID1, at: new Date(clock.now).toISOString() });
      expect(view.find('N1', HERE).kind).toBe('unknown');
      expect(view.ended.has(ID1)).toBe(true);
      // The closing overtook the opening (two topics): the opening must not bring the nonce back.
      view.end({ interactionId: ID2, at: new Date(clock.now).toISOString() });
      view.remember(opened('N2', MAC, ID2));
      expect(view.find('N2', HERE).kind).toBe('unknown');
    });

    it('keeps the later interaction of a reused nonce when the earlier one ends', () => {
      const { view, clock, opened } = clockedView();
      view.remember(opened('N1', MAC, ID1));
      clock.now += 10;
      view.remember(opened('N1', MAC, ID2));
      view.end({ interactionId: ID1, at: new Date(clock.now).toISOString() });
      expect(view.find('N1', HERE)).toEqual({ kind: 'found', session: { mac: MAC, interactionId: ID2 } });
    });

    it('keeps a nonce ambiguous when one of the interactions sharing it ends', () => {
      const { view, clock, opened } = clockedView();
      view.remember(opened('N1', MAC, ID1));
      view.remember(opened('N1', OTHER, ID2));
      view.end({ interactionId: ID1, at: new Date(clock.now).toISOString() });
      expect(view.find('N1', HERE)).toEqual({ kind: 'ambiguous' });
      view.remember(opened('N3', OTHER, ID3));
      expect(view.find('N3', HERE).kind).toBe('found');
    });

    it('shares its list of ended interactions when given one', () => {
      const ended = new EndedInteractions({ ttlMs: 600_000, now: () => T0 });
      const view = new SessionNonceView({ ttlMs: 600_000, ended, now: () => T0 });
      view.end({ interactionId: ID1, at: new Date(T0).toISOString() });
      expect(ended.has(ID1)).toBe(true);
    });
  });
});
