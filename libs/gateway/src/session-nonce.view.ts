import type { SessionClosed, SessionOpened } from '@workpoint/contracts';
import { detachedCopy } from '@workpoint/wpi-codec';
import { EndedInteractions } from './ended-interactions';
import { normaliseSourceAddress } from './source-address';

/** The phone and interaction a nonce was opened with. */
export interface NonceSession {
  mac: string;
  interactionId: string;
}

export type NonceLookup =
  | { kind: 'found'; session: NonceSession }
  /** Two phones behind one address opened interactions with this nonce: guessing could file one phone's data under the other. */
  | { kind: 'ambiguous' }
  | { kind: 'unknown' };

export interface SessionNonceViewOptions {
  /** How long after its opening a nonce still names its phone: the session cookie's lifetime. */
  ttlMs: number;
  /** Bound on memory under a start-up storm; the oldest entries go first. */
  maxEntries?: number;
  /** Bound on memory by size (see `entryBytes`); the oldest entries go first. */
  maxBytes?: number;
  /** Interactions ended on any instance, shared with SessionCookies; their nonces are forgotten. */
  ended?: EndedInteractions;
  now?: () => number;
}

interface Entry extends NonceSession {
  openedAt: number;
  expiresAt: number;
  ambiguous: boolean;
  bytes: number;
}

export const DEFAULT_NONCE_VIEW_MAX_ENTRIES = 200_000;
export const DEFAULT_NONCE_VIEW_MAX_BYTES = 64 * 1024 * 1024;

/**
 * What one entry is counted as: the characters it keeps (one byte each: V8 stores these ASCII
 * strings one byte per character; the interaction id twice, in the entry and in the index) plus
 * this fixed overhead for the Map slots, the entry object, its timestamps and the string headers.
 * Measured on Node 20 (`node --expose-gc`, heap growth over 200 000 entries, source strings
 * flattened beforehand): 338 bytes per entry for a 32-character nonce from an IPv4 address
 * (counted as 339), 457 bytes for a 128-character nonce from a full IPv6 address (counted as 464).
 * So the default 64 MiB holds ~198 000 typical entries, about the default entry cap.
 */
const ENTRY_OVERHEAD_BYTES = 208;

const entryBytes = (key: string, mac: string, interactionId: string): number => key.length + mac.length + 2 * interactionId.length + ENTRY_OVERHEAD_BYTES;

/**
 * Every gateway's short-lived view of the interactions opened by all gateways, by nonce and
 * source address. A phone repeats its nonce within one message flow (protocol.md §3.3), so a
 * reply-to that comes back without mac-addr and without its session cookie (§2.4, §9 Q21) can
 * still be tied to its phone, whichever instance opened the interaction — but only when it comes
 * from the address the interaction was opened from: a nonce travels in clear text to anyone on
 * the path, and alone it must not let another host speak for the phone.
 */
export class SessionNonceView {
  /** `<address> <nonce>` → entry, in (roughly) opening order, which eviction relies on. */
  private readonly entries = new Map<string, Entry>();
  /** interaction id → its entry's key, to forget an ended interaction's nonce at once. */
  private readonly byInteraction = new Map<string, string>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  readonly ended: EndedInteractions;
  private bytesHeld = 0;
  private closed = false;

  constructor(private readonly options: SessionNonceViewOptions) {
    this.maxEntries = options.maxEntries ?? DEFAULT_NONCE_VIEW_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_NONCE_VIEW_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.ended = options.ended ?? new EndedInteractions({ ttlMs: options.ttlMs, now: this.now });
  }

  remember(opened: Pick<SessionOpened, 'mac' | 'nonce' | 'interactionId' | 'at' | 'remoteAddress'>): void {
    // An event of a gateway that did not yet record the source can match no reply.
    if (opened.remoteAddress === undefined) return;
    const now = this.now();
    const openedAt = Date.parse(opened.at);
    const expiresAt = openedAt + this.options.ttlMs;
    // Replayed history (a new consumer group, a backlog after downtime) names sessions long over.
    if (!Number.isFinite(openedAt) || expiresAt <= now || this.ended.has(opened.interactionId)) return;
    this.evictExpired(now);

    const key = keyOf(opened.nonce, opened.remoteAddress);
    const existing = this.alive(key, now);
    let next: Omit<Entry, 'bytes'>;
    if (!existing) {
      next = { mac: detachedCopy(opened.mac), interactionId: detachedCopy(opened.interactionId), openedAt, expiresAt, ambiguous: false };
    } else if (existing.mac !== opened.mac) {
      next = { mac: existing.mac, interactionId: existing.interactionId, openedAt: existing.openedAt, expiresAt: Math.max(existing.expiresAt, expiresAt), ambiguous: true };
    } else if (openedAt >= existing.openedAt) {
      // The same phone opened again with the same nonce: the later interaction is the live one.
      next = { mac: existing.mac, interactionId: detachedCopy(opened.interactionId), openedAt, expiresAt, ambiguous: existing.ambiguous };
    } else {
      return;
    }
    if (existing) this.drop(key, existing);
    // The key holds the nonce, which may be a slice of the request text: copied too.
    const own = detachedCopy(key);
    const { mac, interactionId, ambiguous } = next;
    // One object shape for every entry, no spread: it keeps an entry's cost down (see ENTRY_OVERHEAD_BYTES).
    const entry: Entry = { mac, interactionId, openedAt: next.openedAt, expiresAt: next.expiresAt, ambiguous, bytes: entryBytes(own, mac, interactionId) };
    this.entries.set(own, entry);
    this.bytesHeld += entry.bytes;
    // An ambiguous entry stays until it expires, whichever of its interactions ends.
    if (!entry.ambiguous) this.byInteraction.set(entry.interactionId, own);
    while (this.entries.size > this.maxEntries || this.bytesHeld > this.maxBytes) {
      const oldest = this.entries.keys().next().value!;
      this.drop(oldest, this.entries.get(oldest)!);
    }
    this.wake(own);
  }

  /** The phone whose interaction was opened with this nonce from this source address. */
  find(nonce: string, remoteAddress: string): NonceLookup {
    return this.lookup(keyOf(nonce, remoteAddress));
  }

  /**
   * Like `find`, but an unknown nonce is given up to `timeoutMs` to arrive: the interaction may
   * have been opened by another instance milliseconds ago, its event still on the way here.
   */
  waitFor(nonce: string, remoteAddress: string, timeoutMs: number): Promise<NonceLookup> {
    const key = keyOf(nonce, remoteAddress);
    const current = this.lookup(key);
    if (current.kind !== 'unknown' || timeoutMs <= 0 || this.closed) return Promise.resolve(current);
    return new Promise((resolve) => {
      let waiting = this.waiters.get(key);
      if (!waiting) this.waiters.set(key, (waiting = new Set()));
      const set = waiting;
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
        resolve(this.lookup(key));
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  /** The interaction ended (on any instance): its nonce no longer names the phone, its cookie is refused. */
  end(closed: Pick<SessionClosed, 'interactionId' | 'at'>): void {
    this.ended.add(closed);
    const key = this.byInteraction.get(closed.interactionId);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (key !== undefined && entry) this.drop(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the entries are counted as (see ENTRY_OVERHEAD_BYTES); bounded by `maxBytes`. */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** On shutdown: nobody waits any longer for a nonce that may never come. */
  close(): void {
    this.closed = true;
    for (const key of [...this.waiters.keys()]) this.wake(key);
  }

  private lookup(key: string): NonceLookup {
    const entry = this.alive(key, this.now());
    if (!entry) return { kind: 'unknown' };
    if (entry.ambiguous) return { kind: 'ambiguous' };
    return { kind: 'found', session: { mac: entry.mac, interactionId: entry.interactionId } };
  }

  private wake(key: string): void {
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    for (const done of [...waiting]) done();
  }

  private alive(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.drop(key, entry);
      return undefined;
    }
    return entry;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytesHeld -= entry.bytes;
    if (this.byInteraction.get(entry.interactionId) === key) this.byInteraction.delete(entry.interactionId);
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.drop(key, entry);
    }
  }
}

/** A space is in no nonce (printable ASCII, protocol.md §3.3) and in no socket address. */
function keyOf(nonce: string, remoteAddress: string): string {
  return `${normaliseSourceAddress(remoteAddress)} ${nonce}`;
}
