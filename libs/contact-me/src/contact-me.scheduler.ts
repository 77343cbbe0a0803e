import type { ContactMeCallback, ContactMeOutcome, ContactMeSender } from './contact-me.outcome';
import { assertRetryPolicy, decideRequest, DEFAULT_CONTACT_ME_RETRY, nextAttempt, type ContactMeRetryPolicy } from './contact-me.rules';
import { sendContactMe } from './contact-me.sender';
import { assertCallback } from './contact-me.target';
import { ContactMeTargetPolicy } from './contact-me.target-policy';
import { realClock, type SchedulerClock, type TimerHandle } from './scheduler.clock';
import { TokenBucketLimiter } from './token-bucket.limiter';

/** One attempt's result, as recorded per phone by whoever drives the scheduler. */
export interface ContactMeReport {
  readonly mac: string;
  /** The target this attempt was sent to (a later request may have changed it, see `request`). */
  readonly target: string;
  /** 1 for the first attempt of a contact, 2 for its first retry, … */
  readonly attempt: number;
  readonly outcome: ContactMeOutcome;
  readonly startedAt: number;
  /** When the outcome was known. */
  readonly at: number;
  /** No further attempt of this contact will follow. */
  readonly final: boolean;
  /** Set when another attempt is scheduled: the earliest time it may start. */
  readonly retryAt?: number;
}

export type RequestResult =
  | { readonly accepted: true; readonly coalesced: false }
  /** The phone already has a contact queued, in flight or waiting to retry; this request joins it. */
  | { readonly accepted: true; readonly coalesced: true }
  | { readonly accepted: false; readonly reason: 'within-gap'; readonly nextAllowedAt: number }
  | { readonly accepted: false; readonly reason: 'invalid-target'; readonly detail: string }
  | { readonly accepted: false; readonly reason: 'stopped' };

export interface ContactMeStats {
  /** Contacts waiting for the pace or a free slot. */
  readonly queued: number;
  /** Contacts whose last attempt failed to reach the phone, waiting for their backoff. */
  readonly waitingRetry: number;
  readonly inFlight: number;
  /** Phones remembered for the gap rule (bounded by the phones contacted within the last gap). */
  readonly tracked: number;
  /** Attempts started, retries included. */
  readonly sent: number;
  /** Attempt outcomes by kind. */
  readonly accepted: number;
  readonly refused: number;
  readonly unreachable: number;
  readonly timedOut: number;
  readonly invalidTarget: number;
  /** Requests that caused no new contact: joined an active one, or refused as within the gap. */
  readonly coalesced: number;
}

export interface StopResult {
  /** Contacts dropped before their next attempt, so the caller can ask again after a restart. */
  readonly cancelled: ReadonlyArray<{ readonly mac: string; readonly target: string; readonly attemptsMade: number }>;
}

export interface ContactMeSchedulerOptions {
  /** Minimum time between contacts of one phone (see `ContactMeScheduler`). Default 5 min. */
  readonly gapMs?: number;
  /** Attempts started per second, all phones together. Default 20. */
  readonly ratePerSecond?: number;
  /** Starts allowed back to back before the pace applies. Default 1: an even pace, no bursts. */
  readonly burst?: number;
  /** Concurrent requests. Default 16. */
  readonly maxInFlight?: number;
  /** Deadline of one attempt. Default 5 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<ContactMeRetryPolicy>;
  /** Sent to every phone as `dls_ip_addr` / `dls_ip_port`; unset, phones call their configured service. */
  readonly callback?: ContactMeCallback;
  /**
   * Where targets may point (`ContactMeTargetPolicy`): checked when a request comes and again
   * right before every attempt. Default: no allow-list (only the phone's own source address).
   */
  readonly policy?: ContactMeTargetPolicy;
  /**
   * The phone's current source address, read right before each attempt (a phone may have moved
   * since the request); unset or undefined, the address given to the latest `request` is used.
   * A rejection (its store is down) counts as an attempt that did not reach the phone: retried.
   */
  readonly currentAddress?: (mac: string) => Promise<string | null | undefined>;
  /** Called once per attempt. A throw or rejection goes to `onError`; it never stalls the scheduler. */
  readonly onOutcome?: (report: ContactMeReport) => void | Promise<void>;
  /** Default: rethrown outside the scheduler (an uncaught exception), so a broken recorder is not silent. */
  readonly onError?: (error: unknown, report: ContactMeReport) => void;
  readonly clock?: SchedulerClock;
  readonly send?: ContactMeSender;
}

type Phase = 'queued' | 'in-flight' | 'waiting-retry';

interface Contact {
  readonly mac: string;
  target: string;
  /** Source address of the phone's own requests, as known at the latest `request`. */
  source: string;
  attemptsMade: number;
  phase: Phase;
  retryTimer?: TimerHandle;
}

/**
 * Asks many phones to call back without flooding the network or any one phone.
 *
 * A *contact* is what one accepted `request` becomes: attempt 1, plus retries while attempts
 * fail to reach the phone. The gap rule, exactly:
 *
 * 1. A phone has at most one contact at a time; a `request` for a phone with an active contact
 *    (queued, in flight, waiting to retry) joins it (`coalesced: true`) and only updates the
 *    target its next attempt uses — the phone's newest `contact-me-uri` is the best address.
 * 2. A new contact for a phone is accepted only when at least `gapMs` have passed since the
 *    *start* of the last attempt sent to it, whatever that attempt's outcome; otherwise the
 *    request is refused as `within-gap` with the time it would be allowed.
 * 3. Within a contact, attempt n+1 is sent only if attempt n ended `unreachable` or
 *    `timed-out` (it did not reach the phone, as far as we can tell), at least
 *    `min(maxDelayMs, baseDelayMs · 2^(n-1))` after attempt n ended, and only up to
 *    `attempts` in total. `accepted`, `refused` and `invalid-target` end the contact.
 *
 * So "no phone is asked twice within its gap" means: any two attempts to one phone that start
 * less than `gapMs` apart belong to the same contact, and every earlier one of them ended
 * without reaching the phone. A phone that answered at all (any HTTP status) is not sent
 * anything else until `gapMs` after that attempt started.
 *
 * All attempts, first or retry, share the global pace (`ratePerSecond`, `burst`) and the
 * `maxInFlight` limit, and are served first come, first served.
 */
export class ContactMeScheduler {
  private readonly gapMs: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly retry: ContactMeRetryPolicy;
  private readonly callback: ContactMeCallback | undefined;
  private readonly onOutcome: (report: ContactMeReport) => void | Promise<void>;
  private readonly onError: (error: unknown, report: ContactMeReport) => void;
  private readonly clock: SchedulerClock;
  private readonly send: ContactMeSender;
  private readonly policy: ContactMeTargetPolicy;
  private readonly currentAddress: ((mac: string) => Promise<string | null | undefined>) | undefined;
  private readonly pace: TokenBucketLimiter;

  private readonly active = new Map<string, Contact>();
  private ready: Contact[] = [];
  private readyHead = 0;
  /**
   * Start of the last attempt per phone. Re-inserted on every attempt, so the Map's insertion
   * order is start order and pruning only ever looks at the oldest entries.
   */
  private readonly lastStartedAt = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private paceTimer: TimerHandle | undefined;
  private stopped = false;
  private drainWaiters: Array<() => void> = [];
  private counters = { sent: 0, accepted: 0, refused: 0, unreachable: 0, timedOut: 0, invalidTarget: 0, coalesced: 0 };

  constructor(options: ContactMeSchedulerOptions = {}) {
    this.gapMs = options.gapMs ?? 300_000;
    this.maxInFlight = options.maxInFlight ?? 16;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retry = { ...DEFAULT_CONTACT_ME_RETRY, ...options.retry };
    this.callback = options.callback;
    this.onOutcome = options.onOutcome ?? (() => undefined);
    this.onError =
      options.onError ??
      ((error) => {
        queueMicrotask(() => {
          throw error;
        });
      });
    this.clock = options.clock ?? realClock;
    this.send = options.send ?? sendContactMe;
    this.policy = options.policy ?? new ContactMeTargetPolicy();
    this.currentAddress = options.currentAddress;
    this.pace = new TokenBucketLimiter(options.ratePerSecond ?? 20, options.burst ?? 1);

    if (!Number.isFinite(this.gapMs) || this.gapMs < 0) throw new RangeError(`gapMs must be a non-negative number, got ${String(this.gapMs)}`);
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, got ${String(this.maxInFlight)}`);
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${String(this.timeoutMs)}`);
    assertRetryPolicy(this.retry);
    if (this.callback !== undefined) assertCallback(this.callback);
  }

  /**
   * Asks for a call-back from the phone `mac` (use one spelling per phone: it is the key) at
   * `target`; `source` is the address the phone's own requests come from. A target the policy
   * refuses is answered `invalid-target` at once: nothing is queued, sent or retried.
   */
  request(mac: string, target: string, source: string): RequestResult {
    if (this.stopped) return { accepted: false, reason: 'stopped' };
    const parsed = this.policy.decide(target, source);
    if (!parsed.ok) return { accepted: false, reason: 'invalid-target', detail: parsed.reason };
    const uri = parsed.target.uri;

    const now = this.clock.now();
    this.prune(now);
    const current = this.active.get(mac);
    const decision = decideRequest({ active: current !== undefined, lastStartedAt: this.lastStartedAt.get(mac) }, now, this.gapMs);
    if (decision.kind === 'coalesce' && current !== undefined) {
      current.target = uri;
      current.source = source;
      this.counters.coalesced++;
      return { accepted: true, coalesced: true };
    }
    if (decision.kind === 'within-gap') {
      this.counters.coalesced++;
      return { accepted: false, reason: 'within-gap', nextAllowedAt: decision.nextAllowedAt };
    }
    const contact: Contact = { mac, target: uri, source, attemptsMade: 0, phase: 'queued' };
    this.active.set(mac, contact);
    this.enqueue(contact);
    this.pump();
    return { accepted: true, coalesced: false };
  }

  stats(): ContactMeStats {
    let waitingRetry = 0;
    for (const c of this.active.values()) if (c.phase === 'waiting-retry') waitingRetry++;
    return {
      queued: this.ready.length - this.readyHead,
      waitingRetry,
      inFlight: this.running.size,
      tracked: this.lastStartedAt.size,
      ...this.counters,
    };
  }

  /** Resolves once no contact is queued, in flight or waiting to retry. */
  drained(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Takes no more requests, drops every contact that is not in flight (no retries either),
   * and resolves when the requests in flight have ended; their outcomes are still reported.
   */
  async stop(): Promise<StopResult> {
    const cancelled: Array<{ mac: string; target: string; attemptsMade: number }> = [];
    if (!this.stopped) {
      this.stopped = true;
      if (this.paceTimer !== undefined) this.clock.clearTimeout(this.paceTimer);
      this.paceTimer = undefined;
      for (const contact of [...this.active.values()]) {
        if (contact.phase === 'in-flight') continue;
        if (contact.retryTimer !== undefined) this.clock.clearTimeout(contact.retryTimer);
        this.active.delete(contact.mac);
        cancelled.push({ mac: contact.mac, target: contact.target, attemptsMade: contact.attemptsMade });
      }
      this.ready = [];
      this.readyHead = 0;
      this.notifyIfDrained();
    }
    await Promise.all([...this.running]);
    return { cancelled };
  }

  private enqueue(contact: Contact): void {
    contact.phase = 'queued';
    this.ready.push(contact);
  }

  /** Starts as many queued attempts as the pace and `maxInFlight` allow, then sleeps until the next token. */
  private pump(): void {
    while (!this.stopped && this.readyHead < this.ready.length && this.running.size < this.maxInFlight) {
      const wait = this.pace.tryTake(this.clock.now());
      if (wait > 0) {
        // Rounded up so the timer never fires before the token exists.
        this.paceTimer ??= this.clock.setTimeout(() => {
          this.paceTimer = undefined;
          this.pump();
        }, Math.ceil(wait));
        return;
      }
      const contact = this.ready[this.readyHead++]!;
      this.compactReady();
      this.start(contact);
    }
  }

  // An array with a moving head keeps dequeue O(1); it is compacted once the dead part dominates.
  private compactReady(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  private start(contact: Contact): void {
    const startedAt = this.clock.now();
    const attempt = ++contact.attemptsMade;
    const target = contact.target;
    contact.phase = 'in-flight';
    this.prune(startedAt);
    this.lastStartedAt.delete(contact.mac);
    this.lastStartedAt.set(contact.mac, startedAt);
    this.counters.sent++;
    // Every path of an attempt ends here, so its slot is always given back.
    const run = this.attempt(contact, target, attempt, startedAt).finally(() => {
      this.running.delete(run);
      this.notifyIfDrained();
      this.pump();
    });
    this.running.add(run);
  }

  private async attempt(contact: Contact, target: string, attempt: number, startedAt: number): Promise<void> {
    let outcome: ContactMeOutcome;
    let trustworthy = true;
    const checked = await this.recheck(contact, target);
    if (!checked.ok) {
      outcome = checked.outcome;
    } else {
      try {
        outcome = await this.send(checked.uri, this.callback === undefined ? { timeoutMs: this.timeoutMs } : { timeoutMs: this.timeoutMs, callback: this.callback });
      } catch (error) {
        // The sender promises never to reject for the network; if it does anyway we cannot tell
        // whether the phone was reached, so this contact ends here rather than risk a retry.
        outcome = { kind: 'unreachable', error: `sender failed: ${error instanceof Error ? error.message : String(error)}` };
        trustworthy = false;
      }
    }
    const at = this.clock.now();
    this.count(outcome);

    let retryAt: number | undefined;
    const next = nextAttempt(this.retry, attempt, outcome, at, trustworthy && !this.stopped);
    if (!next.final) {
      retryAt = next.retryAt;
      contact.phase = 'waiting-retry';
      contact.retryTimer = this.clock.setTimeout(() => {
        contact.retryTimer = undefined;
        if (this.stopped) return;
        this.enqueue(contact);
        this.pump();
      }, next.retryAt - at);
    } else {
      this.active.delete(contact.mac);
    }
    const report: ContactMeReport = retryAt === undefined ? { mac: contact.mac, target, attempt, outcome, startedAt, at, final: true } : { mac: contact.mac, target, attempt, outcome, startedAt, at, final: false, retryAt };
    this.report(report);
  }

  /**
   * The decision again, right before the request: against the phone's current source address
   * and this policy. A refusal is final (`invalid-target` is never retried); not knowing the
   * current address is transient (`unreachable`, retried like a phone that did not answer).
   */
  private async recheck(contact: Contact, target: string): Promise<{ ok: true; uri: string } | { ok: false; outcome: ContactMeOutcome }> {
    let source = contact.source;
    if (this.currentAddress !== undefined) {
      try {
        source = (await this.currentAddress(contact.mac)) ?? source;
      } catch (error) {
        return { ok: false, outcome: { kind: 'unreachable', error: `could not read the phone's current address: ${error instanceof Error ? error.message : String(error)}` } };
      }
    }
    const decision = this.policy.decide(target, source);
    return decision.ok ? { ok: true, uri: decision.target.uri } : { ok: false, outcome: { kind: 'invalid-target', reason: decision.reason } };
  }

  private report(report: ContactMeReport): void {
    try {
      const result = this.onOutcome(report);
      if (result !== undefined) result.catch((error: unknown) => this.fail(error, report));
    } catch (error) {
      this.fail(error, report);
    }
  }

  private fail(error: unknown, report: ContactMeReport): void {
    try {
      this.onError(error, report);
    } catch (secondary) {
      // The error handler itself failed: surface it outside, never inside the send loop.
      queueMicrotask(() => {
        throw secondary;
      });
    }
  }

  private count(outcome: ContactMeOutcome): void {
    switch (outcome.kind) {
      case 'accepted':
        this.counters.accepted++;
        break;
      case 'refused':
        this.counters.refused++;
        break;
      case 'unreachable':
        this.counters.unreachable++;
        break;
      case 'timed-out':
        this.counters.timedOut++;
        break;
      case 'invalid-target':
        this.counters.invalidTarget++;
        break;
    }
  }

  /**
   * Forgets phones whose last attempt started a whole gap ago: the rule no longer constrains
   * them, so the map holds at most the phones contacted within the last gap.
   */
  private prune(now: number): void {
    for (const [mac, startedAt] of this.lastStartedAt) {
      if (now - startedAt < this.gapMs) break;
      this.lastStartedAt.delete(mac);
    }
  }

  private notifyIfDrained(): void {
    if (this.active.size !== 0 || this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
