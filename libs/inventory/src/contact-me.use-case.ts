import { Inject, Injectable, Optional } from '@nestjs/common';
import { ContactMeTargetPolicy } from '@workpoint/contact-me';
import type { ContactMeRequested } from '@workpoint/contracts';
import { Outbox } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { StoreMetrics } from '@workpoint/metrics';
import { DataSource } from 'typeorm';
import { recordAttempt } from './contact-me.attempt';
import { ContactMeRequestRepository } from './contact-me-request.repository';
import { ContactMeRelay, resolveTarget } from './contact-me.relay';
import { INVENTORY_SETTINGS, type InventorySettings } from './inventory.settings';
import { PhoneRepository } from './phone.repository';

export { contactMeSettingsFrom, type ContactMeSettings } from './inventory.settings';

/** Default of CONTACT_ME_GAP_SECONDS, as the scheduler has it. */
const DEFAULT_GAP_MS = 300_000;

/**
 * Asks phones to call back. Inventory does it because it knows each phone's `contact-me-uri`.
 * A request becomes a row of `contact_me_request` (due now, or deferred to the end of the
 * phone's gap, or joined to the contact already active), committed before the handler returns,
 * so the Kafka offset is committed only after the row exists; `ContactMeRelay` makes the
 * attempts at the pace and with the retries of the rules in `@workpoint/contact-me`.
 *
 * Where a request may go is decided twice (`ContactMeTargetPolicy`): at ingest, where only an
 * accepted target is stored (else its refusal), and right before each attempt, against the
 * address the phone's requests come from now. A refusal is an `invalid-target` attempt, final,
 * with the reason and without the phone's URI; no HTTP request is made.
 */
@Injectable()
export class ContactMeUseCase {
  private readonly policy: ContactMeTargetPolicy;
  private readonly gapMs: number;

  constructor(
    private readonly phones: PhoneRepository,
    private readonly requests: ContactMeRequestRepository,
    private readonly relay: ContactMeRelay,
    private readonly outbox: Outbox,
    private readonly db: DataSource,
    private readonly logger: Logger,
    @Inject(INVENTORY_SETTINGS) settings: InventorySettings,
    @Optional() @Inject(StoreMetrics) private readonly metrics?: StoreMetrics,
  ) {
    this.policy = settings.contactMe.policy ?? new ContactMeTargetPolicy();
    this.gapMs = settings.contactMe.gapMs ?? DEFAULT_GAP_MS;
  }

  async request(command: ContactMeRequested): Promise<void> {
    const log = { mac: command.mac, requestedBy: command.requestedBy };
    const resolved = resolveTarget(await this.phones.findPhone(command.mac), this.policy);
    if (!resolved.ok) {
      const { outcome, detail } = resolved.attempt;
      if (outcome === 'no-target') this.logger.warn('contact-me requested for a phone without a known contact-me-uri', log);
      else if (resolved.attempt.target === '') this.logger.warn('contact-me refused: the phone reported a contact-me-uri that is not acceptable', { ...log, reason: detail });
      // Stored at ingest, refused now: the phone's requests come from another address since, or
      // the allow-list changed. The stored target passed the ingest check, so it is no junk.
      else this.logger.warn('contact-me refused: target not acceptable for the phone now', { ...log, reason: detail });
      await this.db.transaction((tx) => recordAttempt(tx, this.requests, this.outbox, { ...resolved.attempt, mac: command.mac, at: new Date().toISOString() }));
      this.metrics?.contactMeAttempts.inc({ outcome: resolved.attempt.outcome, final: String(resolved.attempt.final) });
      this.outbox.kick();
      return;
    }
    const result = await this.db.transaction((tx) => this.requests.request(tx, command.mac, resolved.uri, resolved.source, new Date(), this.gapMs));
    this.logger.debug('contact-me requested', { ...log, result });
    if (result.kind === 'start') this.relay.kick();
  }
}
