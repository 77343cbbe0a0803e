import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';

export interface AuthFailureLimits {
  /** Failed authentications one source may make within a window before it is shut out. */
  failuresPerWindow: number;
  /** Sources counted at once; beyond that the least recently seen is forgotten. */
  maxSources: number;
  windowMs?: number;
  /** Milliseconds, monotonic; tests pass a fake clock. */
  now?: () => number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { failuresPerWindow: 10, maxSources: 100_000 };
const MINUTE_MS = 60_000;

/**
 * Counts failed authentications per source address in a fixed window that starts at the
 * source's first failure. Once a source has failed `failuresPerWindow` times, every request
 * from it is refused until its window ends; requests refused that way are not counted, so
 * the window never stretches.
 *
 * IPv6 sources are counted by /64 (`sourceOf`). An LRU bounded by entry count rather than `rate-limiter-flexible`'s RateLimiterMemory: the
 * latter keeps one entry (and one timer) per key for the whole window with no cap, so an
 * attacker spraying source addresses (an IPv6 /64 has 2^64 of them) grows it without bound.
 * Here memory is at most `maxSources` small entries; under such a spray the oldest entries
 * are forgotten, which costs nothing a single-address limit could have stopped anyway.
 */
export class AuthFailureLimiter {
  private readonly sources: LRUCache<string, { failures: number }>;
  /** Failures that shut a source out. */
  readonly limit: number;

  constructor(limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS) {
    if (!Number.isInteger(limits.failuresPerWindow) || limits.failuresPerWindow < 1) throw new RangeError('failuresPerWindow must be a positive integer');
    this.limit = limits.failuresPerWindow;
    this.sources = new LRUCache({
      max: limits.maxSources,
      ttl: limits.windowMs ?? MINUTE_MS,
      // Expired entries are dropped when touched or evicted: no timers, however many sources.
      ttlAutopurge: false,
      // No cached clock: a window ends exactly when it should (and a fake clock is honoured).
      ttlResolution: 0,
      ...(limits.now ? { perf: { now: limits.now } } : {}),
    });
  }

  /** Seconds until the source may try again, or undefined when it is not shut out. */
  retryAfterSeconds(address: string): number | undefined {
    const source = sourceOf(address);
    const entry = this.current(source);
    if (!entry || entry.failures < this.limit) return undefined;
    return Math.ceil(this.sources.getRemainingTTL(source) / 1000);
  }

  /** Counts one failure; returns the source's failures in its current window. */
  recordFailure(address: string): number {
    const source = sourceOf(address);
    const entry = this.current(source);
    if (entry) {
      // Mutated in place: `set` would restart the window.
      entry.failures += 1;
      return entry.failures;
    }
    this.sources.set(source, { failures: 1 });
    return 1;
  }

  private current(source: string): { failures: number } | undefined {
    const entry = this.sources.get(source);
    // The cache drops an entry only once its age exceeds the TTL; at exactly the TTL the window is over too.
    return entry && this.sources.getRemainingTTL(source) > 0 ? entry : undefined;
  }

  /** How many sources are counted now (bounded by `maxSources`). */
  get trackedSources(): number {
    return this.sources.size;
  }
}

/**
 * What failures are counted by: an IPv4 address (also when it arrives IPv4-mapped on a
 * dual-stack socket), or the /64 an IPv6 address is in, since one IPv6 host or LAN usually
 * holds a whole /64 and could otherwise take a fresh address for every attempt.
 */
export function sourceOf(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return mapped[1]!;
  if (!isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}
