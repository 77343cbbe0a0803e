import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
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

export interface Registration {
  /** This contact registered the phone (it had never been seen before). */
  registered: boolean;
  /** The registration's event was published already. */
  published: boolean;
}

interface RegistrationRow {
  registered_contact_id: string | null;
  registration_published_at: Date | null;
}

export type ReportKind = 'full' | 'local-change' | 'inventory-change';

export interface PhoneReport {
  kind: ReportKind;
  mac: string;
  contactId: string;
  interactionId: string;
  reportedAt: Date;
  items: WpiItem[];
}

/** The phone, its reports and read requests in PostgreSQL. */
@Injectable()
export class PhoneRepository {
  constructor(
    @InjectRepository(PhoneEntity) private readonly phones: Repository<PhoneEntity>,
    @InjectRepository(PhoneReportEntity) private readonly reports: Repository<PhoneReportEntity>,
    @InjectRepository(ReadRequestEntity) private readonly readRequests: Repository<ReadRequestEntity>,
  ) {}

  async findPhone(mac: string): Promise<PhoneEntity | null> {
    return this.phones.findOneBy({ mac });
  }

  /**
   * Registers an unknown phone or updates a known one. An older contact arriving late (a
   * reordered or redelivered event) never overwrites newer facts. Says whether this contact
   * registered the phone — also when it is delivered again — and whether that registration was
   * already published, so a redelivery publishes only what a crash left unpublished.
   *
   * A contact that reports a contact-me-uri replaces both the stored target and its refusal
   * (the newest report is the phone's word, a refused one included); one that reports none
   * leaves them as they were.
   */
  async recordContact(f: PhoneContactFacts): Promise<Registration> {
    // Hand SQL, typed row: one round trip per contact on the storm's hot path, with what
    // TypeORM's upsert cannot say (a WHERE on the conflict update, a CASE per column).
    const upserted: RegistrationRow[] = await this.phones.query(
      `INSERT INTO phone AS p (mac, e164, device_type, software_version, contact_me_uri, basic_items,
                               registered_at, registered_contact_id, last_contact_at, last_reason, last_remote_address, contact_me_refusal)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $10, $7, $8, $9, $11)
       ON CONFLICT (mac) DO UPDATE SET
         e164 = COALESCE(EXCLUDED.e164, p.e164),
         device_type = COALESCE(EXCLUDED.device_type, p.device_type),
         software_version = COALESCE(EXCLUDED.software_version, p.software_version),
         contact_me_uri = CASE WHEN $11::varchar IS NULL THEN COALESCE(EXCLUDED.contact_me_uri, p.contact_me_uri) ELSE NULL END,
         contact_me_refusal = CASE WHEN EXCLUDED.contact_me_uri IS NULL THEN COALESCE($11::varchar, p.contact_me_refusal) ELSE NULL END,
         basic_items = EXCLUDED.basic_items,
         last_contact_at = EXCLUDED.last_contact_at,
         last_reason = EXCLUDED.last_reason,
         last_remote_address = EXCLUDED.last_remote_address
       WHERE p.last_contact_at <= EXCLUDED.last_contact_at
       RETURNING registered_contact_id, registration_published_at`,
      [f.mac, f.e164, f.deviceType, f.softwareVersion, f.contactMeUri, JSON.stringify(f.basicItems), f.contactAt, f.reason, f.remoteAddress, f.contactId, f.contactMeRefusal?.slice(0, 128) ?? null],
    );
    // No row back: a newer contact was recorded first, so the phone was known before this one.
    if (upserted[0]) return { registered: upserted[0].registered_contact_id === f.contactId, published: upserted[0].registration_published_at != null };
    const row = await this.phones.findOne({ where: { mac: f.mac }, select: { mac: true, registeredContactId: true, registrationPublishedAt: true } });
    return { registered: row?.registeredContactId === f.contactId, published: row?.registrationPublishedAt != null };
  }

  /** Notes that the broker acknowledged the phone's `registered` event. */
  async markRegistrationPublished(mac: string): Promise<void> {
    await this.phones.update({ mac, registrationPublishedAt: IsNull() }, { registrationPublishedAt: () => 'now()' });
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
   * Says whether the report's event was already published (only local and inventory changes
   * are).
   */
  async storeReport(r: PhoneReport): Promise<{ stored: boolean; published: boolean }> {
    return this.reports.manager.transaction(async (tx) => {
      const inserted = await tx
        .getRepository(PhoneReportEntity)
        .createQueryBuilder()
        .insert()
        .values({ mac: r.mac, contactId: r.contactId, interactionId: r.interactionId, kind: r.kind, reportedAt: r.reportedAt, itemCount: r.items.length, items: r.items })
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) {
        const earlier = await tx.getRepository(PhoneReportEntity).findOne({ where: { contactId: r.contactId }, select: { id: true, publishedAt: true } });
        return { stored: false, published: earlier?.publishedAt != null };
      }
      if (r.kind !== 'full') return { stored: true, published: false };
      await tx
        .getRepository(PhoneEntity)
        .createQueryBuilder()
        .update()
        .set({ lastFullReportAt: r.reportedAt })
        .where('mac = :mac AND (last_full_report_at IS NULL OR last_full_report_at < :at)', { mac: r.mac, at: r.reportedAt })
        .execute();
      return { stored: true, published: false };
    });
  }

  /** Notes that the broker acknowledged the event of the report of this contact. */
  async markReportPublished(contactId: string): Promise<void> {
    await this.reports.update({ contactId, publishedAt: IsNull() }, { publishedAt: () => 'now()' });
  }
}
