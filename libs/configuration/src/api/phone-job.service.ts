import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigurationJobRequestedTopic, type JobRequested } from '@workpoint/contracts';
import type { Principal } from '@workpoint/http-api';
import { maskSecretItems } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import { DataSource } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { actorOf, AuditLog } from './access';
import { ConfigurationError } from './configuration.error';
import { ManagedPhoneRepository } from './managed-phone.repository';
import { faultsView, PhoneService } from './phone.service';

/** The restart that resets a phone to factory defaults (protocol.md §6.3; the guide's default password). */
const FACTORY_RESET: WpiItem[] = [
  { name: 'restart-type', value: 'FactoryReset' },
  { name: 'restart-password', value: '124816' },
];

/** What an operator asks of one phone: a job (read, write, restart, factory reset), or a fresh start for refused items. */
@Injectable()
export class PhoneJobService {
  constructor(
    private readonly db: DataSource,
    private readonly phones: PhoneService,
    private readonly rows: ManagedPhoneRepository,
    private readonly sync: ConfigurationSync,
    @Inject(BUS) private readonly bus: Bus,
    private readonly audit: AuditLog,
  ) {}

  /** An operator job: rides the job queue (and its contact-me) like any other job command. */
  async requestJob(mac: string, input: { type: 'read-items' | 'write-items' | 'restart' | 'factory-reset'; items?: { name: string; index?: number | undefined; value?: string | null | undefined }[] | undefined }, by: Principal) {
    const items: WpiItem[] = (input.items ?? []).map((i) => itemWith(i, { value: i.value ?? null }));
    const action = ({ 'read-items': 'ReadItems', 'write-items': 'WriteItems', restart: 'Restart', 'factory-reset': 'Restart' } as const)[input.type];
    if ((input.type === 'read-items' || input.type === 'write-items') && items.length === 0) {
      throw new ConfigurationError('invalid-request', `${input.type} needs items`, [{ path: 'body.items', message: 'at least one item' }]);
    }
    await this.phones.phone(mac);
    const command: JobRequested = {
      requestId: randomUUID(),
      mac,
      action,
      // Sealed before they leave: the topic keeps what it carries, secrets included.
      items: this.sync.conceal(input.type === 'factory-reset' ? FACTORY_RESET : input.type === 'restart' ? [] : items),
      contactMe: true,
      requestedBy: `api:${actorOf(by)}`.slice(0, 128),
    };
    await this.bus.publish(ConfigurationJobRequestedTopic, mac, command);
    await this.audit.record(this.db.manager, by, `job.${input.type}`, 'phone', mac, null, { requestId: command.requestId, action, items: maskSecretItems(items) }, command.requestId);
    return { requestId: command.requestId, mac, action };
  }

  /** Forget the phone's refusals, so the values are offered again at its next contact. */
  async clearFaults(mac: string, by: Principal, requestId: string) {
    const phone = await this.phones.phone(mac);
    await this.rows.clearFaults(mac);
    await this.audit.record(this.db.manager, by, 'phone.clear-faults', 'phone', mac, { faults: faultsView(phone) }, { faults: [] }, requestId);
    return this.sync.resync(mac, `faults of ${mac} cleared`);
  }
}
