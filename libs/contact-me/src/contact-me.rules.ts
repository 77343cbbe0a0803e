import { didNotReachPhone, type ContactMeOutcome } from './contact-me.outcome';

export interface ContactMeRetryPolicy {
  /** Attempts per contact, the first included; 1 disables retries. */
  readonly attempts: number;
  /** The wait after failed attempt n is baseDelayMs · 2^(n-1), capped at maxDelayMs. At least 1 s (§2.5). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Base 60 s rather than anything shorter: GS3 found that asking a phone more often than about
 * once a minute is likely to crash it (protocol.md §2.5, §8.3), and a timed-out attempt may
 * have reached a web server that is already struggling.
 */
export const DEFAULT_CONTACT_ME_RETRY: ContactMeRetryPolicy = { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 300_000 };

/** What one phone's contact-me state says when a new request for it comes. */
export interface PhoneContactState {
  /** A contact is queued, in flight, deferred or waiting to retry. */
  readonly active: boolean;
  /** Start of the last attempt sent to the phone (epoch ms), if any. */
  readonly lastStartedAt: number | undefined;
}

/**
 * The gap rule for a new request: join the phone's active contact, refuse it within `gapMs` of
 * the last attempt's start (with the time it would be allowed: inventory defers it to then), or
 * start a new contact.
 *
 * A *contact* is what one started request becomes: attempt 1, plus retries while attempts fail
 * to reach the phone. Exactly:
 *
 * 1. A phone has at most one contact at a time; a request for a phone with an active contact
 *    (due, in flight, deferred, waiting to retry) joins it and only updates the target its next
 *    attempt uses — the phone's newest `contact-me-uri` is the best address.
 * 2. A new contact for a phone starts only when at least `gapMs` have passed since the *start*
 *    of the last attempt sent to it, whatever that attempt's outcome.
 * 3. Within a contact, attempt n+1 is sent only if attempt n ended `unreachable` or `timed-out`
 *    (it did not reach the phone, as far as we can tell), at least `retryDelayMs(policy, n)`
 *    after attempt n ended, and only up to `attempts` in total (`nextAttempt`). `accepted`,
 *    `refused` and `invalid-target` end the contact.
 *
 * So "no phone is asked twice within its gap" means: any two attempts to one phone that start
 * less than `gapMs` apart belong to the same contact, and every earlier one of them ended
 * without reaching the phone. All attempts, first or retry, share the service's pace
 * (`TokenBucketLimiter`) and in-flight limit.
 */
export type RequestDecision = { readonly kind: 'coalesce' } | { readonly kind: 'within-gap'; readonly nextAllowedAt: number } | { readonly kind: 'start' };

export function decideRequest(state: PhoneContactState, now: number, gapMs: number): RequestDecision {
  if (state.active) return { kind: 'coalesce' };
  if (state.lastStartedAt !== undefined && now - state.lastStartedAt < gapMs) return { kind: 'within-gap', nextAllowedAt: state.lastStartedAt + gapMs };
  return { kind: 'start' };
}

/** The wait after failed attempt `attempt` (1-based): `min(maxDelayMs, baseDelayMs · 2^(attempt-1))`. */
export function retryDelayMs(policy: ContactMeRetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * After attempt `attempt` ended at `at` with `outcome`: the contact ends, or its next attempt
 * may start at `retryAt`. Only an attempt that did not reach the phone is retried, and only
 * when its outcome can be trusted (a sender that rejected may have reached the phone).
 */
export function nextAttempt(policy: ContactMeRetryPolicy, attempt: number, outcome: ContactMeOutcome, at: number, trustworthy = true): { readonly final: true } | { readonly final: false; readonly retryAt: number } {
  if (trustworthy && didNotReachPhone(outcome) && attempt < policy.attempts) return { final: false, retryAt: at + retryDelayMs(policy, attempt) };
  return { final: true };
}

/** Throws a RangeError naming the first setting that breaks the rules (attempts, the 1 s floor of §2.5, the cap). */
export function assertRetryPolicy(retry: ContactMeRetryPolicy): void {
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new RangeError(`retry.attempts must be a positive integer, got ${String(retry.attempts)}`);
  // Two requests within a second can kill a phone's web server (§2.5), so no faster retries.
  if (!Number.isFinite(retry.baseDelayMs) || retry.baseDelayMs < 1000) throw new RangeError(`retry.baseDelayMs must be at least 1000, got ${String(retry.baseDelayMs)}`);
  if (!Number.isFinite(retry.maxDelayMs) || retry.maxDelayMs < retry.baseDelayMs) throw new RangeError(`retry.maxDelayMs must be at least retry.baseDelayMs, got ${String(retry.maxDelayMs)}`);
}
