import type { OnApplicationShutdown } from '@nestjs/common';
import type { ContactMeEnv } from '@workpoint/config';
import { type ContactMeAttempted, ContactMeAttemptedTopic, type ContactMeRequested } from '@workpoint/contracts';
import { ContactMeScheduler, ContactMeTargetPolicy, type ContactMeReport, type ContactMeSchedulerOptions } from '@workpoint/contact-me';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';
import type { PhoneRepository } from './phone.repository';

export type ContactMeSettings = Pick<ContactMeSchedulerOptions, 'gapMs' | 'ratePerSecond' | 'maxInFlight' | 'timeoutMs' | 'retry' | 'callback' | 'policy'>;

/**
 * Asks phones to call back. Inventory does it because it knows each phone's `contact-me-uri`;
 * the scheduler keeps the pace (global rate, one request per phone per gap, retries only when
 * the phone was not reached), and every attempt is recorded per phone and published.
 *
 * Where a request may go is decided twice (`ContactMeTargetPolicy`): at ingest, where only an
 * accepted target is stored (else its refusal), and right before each attempt, against the
 * address the phone's requests come from now. A refusal is an `invalid-target` attempt, final,
 * with the reason and without the phone's URI; no HTTP request is made.
 */
export class ContactMeUseCase implements OnApplicationShutdown {
  private readonly scheduler: ContactMeScheduler;
  /** Requests that came within a phone's gap, to be made when the gap is over (one per phone). */
  private readonly deferred = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly phones: PhoneRepository,
    private readonly dataSource: DataSource,
    private readonly bus: Bus,
    private readonly logger: Logger,
    settings: ContactMeSettings,
  ) {
    this.scheduler = new ContactMeScheduler({
      ...settings,
      // The phone may have moved since the request (DHCP, another NAT): its latest address decides.
      currentAddress: async (mac) => (await this.phones.findPhone(mac))?.lastRemoteAddress,
      onOutcome: (report) => this.record(report),
      onError: (error, report) => this.logger.error('could not record a contact-me attempt', { mac: report.mac, error: String(error) }),
    });
  }

  async request(command: ContactMeRequested): Promise<void> {
    const phone = await this.phones.findPhone(command.mac);
    if (phone?.contactMeRefusal) {
      this.logger.warn('contact-me refused: the phone reported a contact-me-uri that is not acceptable', { mac: command.mac, requestedBy: command.requestedBy, reason: phone.contactMeRefusal });
      await this.save({ mac: command.mac, target: '', attempt: 1, outcome: 'invalid-target', detail: phone.contactMeRefusal, final: true, at: new Date().toISOString() });
      return;
    }
    const target = phone?.contactMeUri;
    if (!phone || !target) {
      this.logger.warn('contact-me requested for a phone without a known contact-me-uri', { mac: command.mac, requestedBy: command.requestedBy });
      await this.save({ mac: command.mac, target: '', attempt: 1, outcome: 'no-target', final: true, at: new Date().toISOString() });
      return;
    }
    const result = this.scheduler.request(command.mac, target, phone.lastRemoteAddress);
    this.logger.debug('contact-me requested', { mac: command.mac, requestedBy: command.requestedBy, result });
    if (!result.accepted && result.reason === 'within-gap') this.defer(command, result.nextAllowedAt);
    if (!result.accepted && result.reason === 'invalid-target') {
      // Stored at ingest, refused now: the phone's requests come from another address since, or
      // the allow-list changed. The stored target passed the ingest check, so it is no junk.
      this.logger.warn('contact-me refused: target not acceptable for the phone now', { mac: command.mac, requestedBy: command.requestedBy, reason: result.detail });
      await this.save({ mac: command.mac, target, attempt: 1, outcome: 'invalid-target', detail: result.detail, final: true, at: new Date().toISOString() });
    }
  }

  /**
   * A request within the gap is not dropped: the phone may already have made the contact the
   * earlier request asked for, before this request's reason (a job, a changed profile)
   * existed. It is made once the gap is over — unless the phone has been in touch since.
   */
  private defer(command: ContactMeRequested, at: number): void {
    if (this.deferred.has(command.mac)) return;
    const requestedAt = Date.now();
    const timer = setTimeout(() => {
      this.deferred.delete(command.mac);
      void this.phones
        .findPhone(command.mac)
        .then((phone) => {
          if (phone && phone.lastContactAt.getTime() > requestedAt) return;
          return this.request(command);
        })
        .catch((error: unknown) => this.logger.error('deferred contact-me failed', { mac: command.mac, error: String(error) }));
    }, Math.max(0, at - requestedAt) + 10);
    timer.unref();
    this.deferred.set(command.mac, timer);
  }

  stats() {
    return this.scheduler.stats();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.deferred.values()) clearTimeout(timer);
    if (this.deferred.size > 0) this.logger.warn('deferred contact-me requests dropped at shutdown', { phones: this.deferred.size });
    this.deferred.clear();
    const { cancelled } = await this.scheduler.stop();
    if (cancelled.length > 0) this.logger.warn('contact-me requests dropped at shutdown', { phones: cancelled.length });
  }

  private async record(report: ContactMeReport): Promise<void> {
    const o = report.outcome;
    await this.save({
      mac: report.mac,
      target: report.target.slice(0, 300),
      attempt: report.attempt,
      outcome: o.kind,
      ...('status' in o ? { httpStatus: o.status } : {}),
      ...('error' in o ? { detail: o.error.slice(0, 300) } : 'reason' in o ? { detail: o.reason.slice(0, 300) } : {}),
      final: report.final,
      at: new Date(report.at).toISOString(),
    });
  }

  private async save(attempt: ContactMeAttempted): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO contact_me_attempt (mac, target, attempt, outcome, http_status, detail, final, attempted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [attempt.mac, attempt.target, attempt.attempt, attempt.outcome, attempt.httpStatus ?? null, attempt.detail ?? null, attempt.final, attempt.at],
    );
    await this.bus.publish(ContactMeAttemptedTopic, attempt.mac, attempt);
  }
}

export function contactMeSettingsFrom(env: ContactMeEnv): ContactMeSettings {
  return {
    gapMs: env.CONTACT_ME_GAP_SECONDS * 1000,
    ratePerSecond: env.CONTACT_ME_RATE_PER_SECOND,
    maxInFlight: env.CONTACT_ME_MAX_IN_FLIGHT,
    timeoutMs: env.CONTACT_ME_TIMEOUT_MS,
    retry: { attempts: env.CONTACT_ME_ATTEMPTS, baseDelayMs: env.CONTACT_ME_RETRY_BASE_SECONDS * 1000 },
    policy: new ContactMeTargetPolicy(env.CONTACT_ME_ALLOWED_NETWORKS),
    ...(env.CONTACT_ME_CALLBACK_HOST && env.CONTACT_ME_CALLBACK_PORT
      ? { callback: { host: env.CONTACT_ME_CALLBACK_HOST, port: env.CONTACT_ME_CALLBACK_PORT } }
      : {}),
  };
}
