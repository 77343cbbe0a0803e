import { setTimeout as sleep } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { StoreMetrics } from '@workpoint/metrics';
import {
  type ContactMeCallback,
  type ContactMeOutcome,
  type ContactMeRetryPolicy,
  ContactMeTargetPolicy,
  DEFAULT_CONTACT_ME_RETRY,
  assertRetryPolicy,
  nextAttempt,
  sendContactMe,
  TokenBucketLimiter,
} from '@workpoint/contact-me';
import type { ContactMeAttempted } from '@workpoint/contracts';
import { Outbox, RelayLoop } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { ContactMeRequestRepository } from './contact-me-request.repository';
import type { ContactMeRequestEntity } from './entities/contact-me-request.entity';
import type { PhoneEntity } from './entities/phone.entity';
import { recordAttempt } from './contact-me.attempt';
import { INVENTORY_SETTINGS, type InventorySettings } from './inventory.settings';
import { PhoneRepository } from './phone.repository';

/** How often a relay looks for due requests when nothing woke it (deferred ends, retries, other instances' requests). */
const POLL_MS = 500;
/** Rows taken per claim, at most (and never more than the free in-flight slots). */
const BATCH = 100;

/** Where a phone's contact-me request goes now, or the final attempt that says why it goes nowhere. */
export type ResolvedTarget = { readonly ok: true; readonly uri: string; readonly source: string } | { readonly ok: false; readonly attempt: Omit<ContactMeAttempted, 'mac' | 'at'> };

/** The checks of a request, against the phone as inventory knows it now (refused URI, none, policy). */
export function resolveTarget(phone: PhoneEntity | null, policy: ContactMeTargetPolicy): ResolvedTarget {
  if (phone?.contactMeRefusal) return { ok: false, attempt: { target: '', attempt: 1, outcome: 'invalid-target', detail: phone.contactMeRefusal, final: true } };
  const target = phone?.contactMeUri;
  if (!phone || !target) return { ok: false, attempt: { target: '', attempt: 1, outcome: 'no-target', final: true } };
  const decision = policy.decide(target, phone.lastRemoteAddress);
  if (!decision.ok) return { ok: false, attempt: { target, attempt: 1, outcome: 'invalid-target', detail: decision.reason, final: true } };
  return { ok: true, uri: decision.target.uri, source: phone.lastRemoteAddress };
}

/**
 * Makes the contact-me attempts that `contact_me_request` says are due, at the pace and with
 * the retries the rules of `@workpoint/contact-me` set: per-phone gap (protocol.md §2.5),
 * token-bucket rate and in-flight limit per relay, backoff while the phone is not reached,
 * the target policy checked right before each request. Several relays (instances) share the
 * rows safely: each takes due rows with `FOR UPDATE SKIP LOCKED` and leases them (moves their
 * due time past the gap), so a relay that dies mid-attempt leaves its rows to the others after
 * the lease, and the phone is never asked twice within its gap. The outcome, the next due time
 * and the `inventory.contact-me.attempted.v1` event (outbox) commit in one transaction.
 */
@Injectable()
export class ContactMeRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly policy: ContactMeTargetPolicy;
  private readonly retry: ContactMeRetryPolicy;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly callback: ContactMeCallback | undefined;
  private readonly pace: TokenBucketLimiter;
  private readonly running = new Set<Promise<void>>();
  private readonly loop: RelayLoop;
  private unwatch = (): void => undefined;

  constructor(
    private readonly requests: ContactMeRequestRepository,
    private readonly phones: PhoneRepository,
    private readonly outbox: Outbox,
    private readonly db: DataSource,
    private readonly logger: Logger,
    @Inject(INVENTORY_SETTINGS) settings: InventorySettings,
    @Optional() @Inject(StoreMetrics) private readonly metrics?: StoreMetrics,
  ) {
    const s = settings.contactMe;
    this.policy = s.policy ?? new ContactMeTargetPolicy();
    this.retry = { ...DEFAULT_CONTACT_ME_RETRY, ...s.retry };
    assertRetryPolicy(this.retry);
    this.maxInFlight = s.maxInFlight ?? 16;
    this.timeoutMs = s.timeoutMs ?? 5_000;
    this.callback = s.callback;
    this.pace = new TokenBucketLimiter(s.ratePerSecond ?? 20, 1);
    // Past the gap (at least the minute of §2.5) plus the attempt's deadline and the pace's wait.
    this.leaseMs = Math.max(s.gapMs ?? 300_000, 60_000) + this.timeoutMs + 10_000;
    // The rows stay due in PostgreSQL: the next pass (timer, kick) takes them.
    this.loop = new RelayLoop(() => this.claim(), (error) => this.logger.warn('contact-me relay: could not take due requests; retrying', { error: String(error) }), POLL_MS);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
    // Active requests as `workpoint_contact_me_queue_depth{state}`: due now, or waiting (gap,
    // retry backoff, a relay's lease); a COUNT on the due_at index when Prometheus scrapes (cached).
    this.unwatch =
      this.metrics?.contactMeDepth.addSource('contact-me', async () => {
        const [row] = await this.db.query<Array<{ due: number; waiting: number }>>(
          'SELECT count(*) FILTER (WHERE due_at <= now())::int AS due, count(*) FILTER (WHERE due_at > now())::int AS waiting FROM contact_me_request WHERE due_at IS NOT NULL',
        );
        return [
          { labels: { state: 'due' }, value: row?.due ?? 0 },
          { labels: { state: 'waiting' }, value: row?.waiting ?? 0 },
        ];
      }) ?? this.unwatch;
  }

  /** Look for due requests now (a request just became due in this process). */
  kick(): void {
    void this.loop.kick();
  }

  /**
   * Takes no more rows, gives back those whose attempt has not started (`paced`), and waits for the
   * attempts in flight to be recorded (with their retry time: a retry survives the restart).
   * Before shutdown, so the data source is still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.unwatch();
    await this.loop.stop();
    await Promise.all([...this.running]);
  }

  private async claim(): Promise<void> {
    for (;;) {
      const free = this.maxInFlight - this.running.size;
      if (this.loop.isStopped || free <= 0) return;
      const now = new Date();
      const rows = await this.requests.claimDue(now, Math.min(free, BATCH), new Date(now.getTime() + this.leaseMs));
      for (const row of rows) this.start(row);
      if (rows.length < Math.min(free, BATCH)) return;
    }
  }

  private start(row: ContactMeRequestEntity): void {
    const run = this.attempt(row)
      .catch((error: unknown) =>
        // Nothing is lost: the row stays leased and is taken again when the lease ends.
        this.logger.error('contact-me attempt not recorded; the request is made again after its lease', { mac: row.mac, error: String(error) }),
      )
      .finally(() => {
        this.running.delete(run);
        this.kick();
      });
    this.running.add(run);
  }

  private async attempt(row: ContactMeRequestEntity): Promise<void> {
    const phone = await this.phones.findPhone(row.mac);
    let target = row.target;
    let attemptsMade = row.attemptsMade;
    if (row.deferred) {
      // A request within the gap is made once the gap is over, unless the phone has been in touch since.
      if (phone && phone.lastContactAt.getTime() > row.requestedAt.getTime()) {
        await this.db.transaction((tx) => this.requests.settle(tx, row.mac, { dueAt: null, deferred: false, attemptsMade: 0 }));
        return;
      }
      const resolved = resolveTarget(phone, this.policy);
      if (!resolved.ok) {
        await this.finish(row.mac, { ...resolved.attempt, mac: row.mac, at: new Date().toISOString() }, { dueAt: null, deferred: false, attemptsMade: 0 });
        return;
      }
      target = resolved.uri;
      attemptsMade = 0;
    }
    if (!(await this.paced())) {
      await this.requests.release([row.mac], row.dueAt ?? new Date());
      return;
    }
    const startedAt = Date.now();
    const attempt = attemptsMade + 1;
    // The phone may have moved since the request (DHCP, another NAT): its latest address decides.
    const decision = this.policy.decide(target, phone?.lastRemoteAddress ?? row.source);
    let outcome: ContactMeOutcome;
    let trustworthy = true;
    if (!decision.ok) outcome = { kind: 'invalid-target', reason: decision.reason };
    else {
      try {
        outcome = await sendContactMe(decision.target.uri, this.callback === undefined ? { timeoutMs: this.timeoutMs } : { timeoutMs: this.timeoutMs, callback: this.callback });
      } catch (error) {
        // The sender promises never to reject for the network; if it does anyway we cannot tell
        // whether the phone was reached, so this contact ends here rather than risk a retry.
        outcome = { kind: 'unreachable', error: `sender failed: ${error instanceof Error ? error.message : String(error)}` };
        trustworthy = false;
      }
    }
    const at = Date.now();
    const next = nextAttempt(this.retry, attempt, outcome, at, trustworthy);
    const detail = 'error' in outcome ? outcome.error.slice(0, 300) : 'reason' in outcome ? outcome.reason.slice(0, 300) : undefined;
    const report: ContactMeAttempted = {
      mac: row.mac,
      target: target.slice(0, 300),
      attempt,
      outcome: outcome.kind,
      ...('status' in outcome ? { httpStatus: outcome.status } : {}),
      ...(detail !== undefined ? { detail } : {}),
      final: next.final,
      at: new Date(at).toISOString(),
    };
    await this.finish(row.mac, report, {
      dueAt: next.final ? null : new Date(next.retryAt),
      attemptsMade: next.final ? 0 : attempt,
      deferred: false,
      // A request that joined this contact meanwhile may have set a newer target for the retry; only a deferred request's target is new here.
      ...(row.deferred ? { target } : {}),
      lastStartedAt: new Date(startedAt),
      lastOutcome: outcome.kind,
      lastDetail: detail ?? null,
    });
  }

  private async finish(mac: string, report: ContactMeAttempted, changes: Parameters<ContactMeRequestRepository['settle']>[2]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await recordAttempt(tx, this.requests, this.outbox, report);
      await this.requests.settle(tx, mac, changes);
    });
    this.metrics?.contactMeAttempts.inc({ outcome: report.outcome, final: String(report.final) });
    this.outbox.kick();
  }

  /** Waits for the pace's next token; false when the relay stops meanwhile. */
  private async paced(): Promise<boolean> {
    for (;;) {
      if (this.loop.isStopped) return false;
      const wait = this.pace.tryTake(Date.now());
      if (wait <= 0) return true;
      // Rounded up so the wait never ends before the token exists.
      await sleep(Math.ceil(wait));
    }
  }
}
