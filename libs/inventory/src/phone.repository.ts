import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { type PhoneChangesReported, PhoneChangesReportedTopic, type PhoneRegistered, PhoneRegisteredTopic } from '@workpoint/contracts';
import { InvalidOutboxEventError, Outbox, type OutboxInsert } from '@workpoint/database';
import type { TopicContract } from '@workpoint/contracts';
import { InventoryError } from './inventory.error';
import type { WpiItem } from '@workpoint/wpi-codec';
import { PhoneReportEntity } from './entities/phone-report.entity';
import { PhoneEntity } from './entities/phone.entity';
import { ReadRequestEntity } from './entities/read-request.entity';

const DAY_MS = 24 * 3600_000;

export interface PhoneContactFacts {
  mac: string;
  contactId: string;
  e164: string | null;
  deviceType: string | null;
  softwareVersion: string | null;
  /** Only a target that passed the contact-me policy at ingest; null when refused or not reported. */
  contactMeUri: string | null;
  /** Why the reported contact-me-uri was refused; null when accepted or not reported. */
  contactMeRefusal: string | null;
  basicItems: WpiItem[];
  reason: string;
  remoteAddress: string;
  contactAt: Date;
}

/** An integration event and the headers it is sent with, written to the outbox with the change it describes. */
export interface PendingEvent<T> {
  value: T;
  headers: Record<string, string>;
}

interface RecordedRow {
  registered: boolean;
}

export type ReportKind = 'full' | 'local-change' | 'inventory-change';

export interface PhoneReport {
  kind: ReportKind;
  mac: string;
  contactId: string;
  interactionId: string;
  reportedAt: Date;
  items: WpiItem[];
  /** The event other systems hear of this report (local and inventory changes; full reports have none). */
  event?: PendingEvent<PhoneChangesReported>;
}

/** The phone, its reports and read requests in PostgreSQL. */
@Injectable()
export class PhoneRepository {
  constructor(
    @InjectRepository(PhoneEntity) private readonly phones: Repository<PhoneEntity>,
    @InjectRepository(PhoneReportEntity) private readonly reports: Repository<PhoneReportEntity>,
    @InjectRepository(ReadRequestEntity) private readonly readRequests: Repository<ReadRequestEntity>,
    private readonly outbox: Outbox,
  ) {}

  async findPhone(mac: string): Promise<PhoneEntity | null> {
    return this.phones.findOneBy({ mac });
  }

  /**
   * Registers an unknown phone or updates a known one. An older contact arriving late (a
   * reordered or redelivered event) never overwrites newer facts. When this contact is the
   * phone's first, its `registered` event is written to the outbox by the same statement, so
   * the phone and its event commit together; a redelivered contact finds the phone and writes
   * nothing more. Says whether this contact registered the phone.
   *
   * A contact that reports a contact-me-uri replaces both the stored target and its refusal
   * (the newest report is the phone's word, a refused one included); one that reports none
   * leaves them as they were.
   */
  async recordContact(f: PhoneContactFacts, registered: PendingEvent<PhoneRegistered>): Promise<boolean> {
    const event = this.encoded(PhoneRegisteredTopic, f.mac, registered);
    // Hand SQL, typed row: one round trip per contact on the storm's hot path, with what
    // TypeORM's upsert cannot say (a WHERE on the conflict update, a CASE per column), and the
    // outbox row in the same statement instead of a transaction's three more round trips.
    // `xmax = 0` holds for a row this statement inserted, not for one it updated.
    const rows: RecordedRow[] = await this.phones.query(
      `WITH upserted AS (
         INSERT INTO phone AS p (mac, e164, device_type, software_version, contact_me_uri, basic_items,
                                 registered_at, last_contact_at, last_reason, last_remote_address, contact_me_refusal)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7, $8, $9, $10)
         ON CONFLICT (mac) DO UPDATE SET
           e164 = COALESCE(EXCLUDED.e164, p.e164),
           device_type = COALESCE(EXCLUDED.device_type, p.device_type),
           software_version = COALESCE(EXCLUDED.software_version, p.software_version),
           contact_me_uri = CASE WHEN $10::varchar IS NULL THEN COALESCE(EXCLUDED.contact_me_uri, p.contact_me_uri) ELSE NULL END,
           contact_me_refusal = CASE WHEN EXCLUDED.contact_me_uri IS NULL THEN COALESCE($10::varchar, p.contact_me_refusal) ELSE NULL END,
           basic_items = EXCLUDED.basic_items,
           last_contact_at = EXCLUDED.last_contact_at,
           last_reason = EXCLUDED.last_reason,
           last_remote_address = EXCLUDED.last_remote_address
         WHERE p.last_contact_at <= EXCLUDED.last_contact_at
         RETURNING (p.xmax = 0) AS inserted
       ), e AS (
         INSERT INTO outbox (topic, key, value, headers, created_at)
         SELECT $11, $12, $13::jsonb, $14::jsonb, now() FROM upserted WHERE upserted.inserted
         RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM e) AS registered`,
      [f.mac, f.e164, f.deviceType, f.softwareVersion, f.contactMeUri, JSON.stringify(f.basicItems), f.contactAt, f.reason, f.remoteAddress, f.contactMeRefusal?.slice(0, 128) ?? null, event.topic, event.key, event.value, event.headers],
    );
    const isNew = rows[0]?.registered === true;
    if (isNew) this.outbox.noteAdded();
    return isNew;
  }

  /** Remembers that inventory asked for the full item set in this interaction (a day at most). */
  async markReadRequested(mac: string, interactionId: string): Promise<void> {
    await this.readRequests.delete({ mac, requestedAt: LessThan(new Date(Date.now() - DAY_MS)) });
    await this.readRequests.createQueryBuilder().insert().values({ mac, interactionId, requestedAt: () => 'now()' }).orIgnore().execute();
  }

  /** Whether inventory asked this phone for its full item set in this interaction. */
  async readRequested(mac: string, interactionId: string): Promise<boolean> {
    return this.readRequests.existsBy({ mac, interactionId });
  }

  /**
   * Stores what a phone reported (a full item set, a local change, an inventory change) once
   * per contact: a redelivered event finds its contact id already stored and changes nothing.
   * The report's event (local and inventory changes) is written to the outbox in the same
   * transaction, so it exists exactly when the report does. Says whether this call stored it.
   */
  async storeReport(r: PhoneReport): Promise<boolean> {
    const event = r.event && this.encoded(PhoneChangesReportedTopic, r.mac, r.event);
    return this.reports.manager.transaction(async (tx) => {
      const inserted = await tx
        .getRepository(PhoneReportEntity)
        .createQueryBuilder()
        .insert()
        .values({ mac: r.mac, contactId: r.contactId, interactionId: r.interactionId, kind: r.kind, reportedAt: r.reportedAt, itemCount: r.items.length, items: r.items })
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return false;
      if (event) await this.outbox.insert(tx, event);
      if (r.kind !== 'full') return true;
      await tx
        .getRepository(PhoneEntity)
        .createQueryBuilder()
        .update()
        .set({ lastFullReportAt: r.reportedAt })
        .where('mac = :mac AND (last_full_report_at IS NULL OR last_full_report_at < :at)', { mac: r.mac, at: r.reportedAt })
        .execute();
      return true;
    });
  }

  /** The event checked against its contract, as an outbox row. */
  private encoded<T>(topic: TopicContract<T>, mac: string, event: PendingEvent<T>): OutboxInsert {
    try {
      return this.outbox.encode(topic, mac, event.value, event.headers);
    } catch (error) {
      if (!(error instanceof InvalidOutboxEventError)) throw error;
      throw new InventoryError('invalid-event', `the ${topic.name} event of this contact breaks its contract`, { cause: error });
    }
  }
}
