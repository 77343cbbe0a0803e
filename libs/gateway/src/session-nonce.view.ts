import type { SessionOpened } from '@workpoint/contracts';

/** The phone and interaction a nonce was opened with. */
export interface NonceSession {
  mac: string;
  interactionId: string;
}

export type NonceLookup =
  | { kind: 'found'; session: NonceSession }
  /** Two phones opened interactions with this nonce: guessing could file one phone's data under the other. */
  | { kind: 'ambiguous' }
  | { kind: 'unknown' };

export interface SessionNonceViewOptions {
  /** How long after its opening a nonce still names its phone: the session cookie's lifetime. */
  ttlMs: number;
  /** Bound on memory under a start-up storm; the oldest entries go first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry extends NonceSession {
  openedAt: number;
  expiresAt: number;
  ambiguous: boolean;
}

export const DEFAULT_NONCE_VIEW_MAX_ENTRIES = 200_000;

/**
 * Every gateway's short-lived view of the interactions opened by all gateways, by nonce. A phone
 * repeats its nonce within one message flow (protocol.md §3.3), so a reply-to that comes back
 * without mac-addr and without its session cookie (§2.4, §9 Q21) can still be tied to its phone,
 * whichever instance opened the interaction.
 */
export class SessionNonceView {
  private readonly entries = new Map<string, Entry>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: SessionNonceViewOptions) {
    this.maxEntries = options.maxEntries ?? DEFAULT_NONCE_VIEW_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  remember(opened: Pick<SessionOpened, 'mac' | 'nonce' | 'interactionId' | 'at'>): void {
    const now = this.now();
    const openedAt = Date.parse(opened.at);
    const expiresAt = openedAt + this.options.ttlMs;
    // Replayed history (a new consumer group, a backlog after downtime) names sessions long over.
    if (!Number.isFinite(openedAt) || expiresAt <= now) return;
    this.evictExpired(now);

    const existing = this.alive(opened.nonce, now);
    let entry: Entry;
    if (!existing) {
      entry = { mac: opened.mac, interactionId: opened.interactionId, openedAt, expiresAt, ambiguous: false };
    } else if (existing.mac !== opened.mac) {
      entry = { ...existing, expiresAt: Math.max(existing.expiresAt, expiresAt), ambiguous: true };
    } else if (openedAt >= existing.openedAt) {
      // The same phone opened again with the same nonce: the later interaction is the live one.
      entry = { ...existing, interactionId: opened.interactionId, openedAt, expiresAt };
    } else {
      return;
    }
    // Re-inserting keeps the map in (roughly) opening order, which eviction relies on.
    this.entries.delete(opened.nonce);
    this.entries.set(opened.nonce, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.wake(opened.nonce);
  }

  find(nonce: string): NonceLookup {
    const entry = this.alive(nonce, this.now());
    if (!entry) return { kind: 'unknown' };
    if (entry.ambiguous) return { kind: 'ambiguous' };
    return { kind: 'found', session: { mac: entry.mac, interactionId: entry.interactionId } };
  }

  /**
   * Like `find`, but an unknown nonce is given up to `timeoutMs` to arrive: the interaction may
   * have been opened by another instance milliseconds ago, its event still on the way here.
   */
  waitFor(nonce: string, timeoutMs: number): Promise<NonceLookup> {
    const current = this.find(nonce);
    if (current.kind !== 'unknown' || timeoutMs <= 0 || this.closed) return Promise.resolve(current);
    return new Promise((resolve) => {
      let waiting = this.waiters.get(nonce);
      if (!waiting) this.waiters.set(nonce, (waiting = new Set()));
      const set = waiting;
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(nonce) === set) this.waiters.delete(nonce);
        resolve(this.find(nonce));
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** On shutdown: nobody waits any longer for a nonce that may never come. */
  close(): void {
    this.closed = true;
    for (const nonce of [...this.waiters.keys()]) this.wake(nonce);
  }

  private wake(nonce: string): void {
    const waiting = this.waiters.get(nonce);
    if (!waiting) return;
    for (const done of [...waiting]) done();
  }

  private alive(nonce: string, now: number): Entry | undefined {
    const entry = this.entries.get(nonce);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(nonce);
      return undefined;
    }
    return entry;
  }

  private evictExpired(now: number): void {
    for (const [nonce, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(nonce);
    }
  }
}
