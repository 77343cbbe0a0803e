import type { SessionClosed } from '@workpoint/contracts';
import { detachedCopy } from '@workpoint/wpi-codec';

export interface EndedInteractionsOptions {
  /** The session cookie's lifetime: after it, an ended interaction's cookie is refused anyway. */
  ttlMs: number;
  /** Bound on memory; the oldest entries go first (their cookies then expire on their own). */
  maxEntries?: number;
  now?: () => number;
}

/** As many as the nonce view holds: every ended interaction was opened once. */
export const DEFAULT_ENDED_INTERACTIONS_MAX_ENTRIES = 200_000;

/** SessionCookies accepts a cookie issued up to this far in the future (clocks of instances differ). */
const CLOCK_SKEW_MS = 60_000;

/**
 * The interactions that ended (the gateway answered CleanUp or Restart) within the last cookie
 * lifetime, on any gateway instance. A signed cookie cannot be taken back, so every instance
 * keeps this list and refuses the cookies (and nonces) of ended interactions (protocol.md §2.4:
 * CleanUp ends the session).
 */
export class EndedInteractions {
  /** interaction id → when its cookie would have expired anyway; in (roughly) ending order. */
  private readonly ended = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: EndedInteractionsOptions) {
    this.maxEntries = options.maxEntries ?? DEFAULT_ENDED_INTERACTIONS_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  add(closed: Pick<SessionClosed, 'interactionId' | 'at'>): void {
    const now = this.now();
    const expiresAt = Date.parse(closed.at) + this.options.ttlMs + CLOCK_SKEW_MS;
    // Replayed history: a cookie of an interaction that ended that long ago has expired.
    if (!Number.isFinite(expiresAt) || expiresAt <= now || this.ended.has(closed.interactionId)) return;
    this.evictExpired(now);
    this.ended.set(detachedCopy(closed.interactionId), expiresAt);
    while (this.ended.size > this.maxEntries) this.ended.delete(this.ended.keys().next().value!);
  }

  has(interactionId: string): boolean {
    const expiresAt = this.ended.get(interactionId);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.now()) return true;
    this.ended.delete(interactionId);
    return false;
  }

  get size(): number {
    return this.ended.size;
  }

  private evictExpired(now: number): void {
    for (const [id, expiresAt] of this.ended) {
      if (expiresAt > now) return;
      this.ended.delete(id);
    }
  }
}
