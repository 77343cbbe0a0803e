import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WpiItem } from '@workpoint/wpi-codec';
import { PhoneEntity } from './entities/phone.entity';

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
  constructor(private readonly dataSource: DataSource) {}

  async findPhone(mac: string): Promise<PhoneEntity | null> {
    return this.dataSource.getRepository(PhoneEntity).findOneBy({ mac });
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
    const upserted: RegistrationRow[] = await this.dataSource.query(
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
    const row = upserted[0] ?? (await this.registrationOf(f.mac));
    return { registered: row?.registered_contact_id === f.contactId, published: row?.registration_published_at != null };
  }

  /** Notes that the broker acknowledged the phone's `registered` event. */
  async markRegistrationPublished(mac: string): Promise<void> {
    await this.dataSource.query('UPDATE phone SET registration_published_at = now() WHERE mac = $1 AND registration_published_at IS NULL', [mac]);
  }

  private async registrationOf(mac: string): Promise<RegistrationRow | undefined> {
    const rows: RegistrationRow[] = await this.dataSource.query('SELECT registered_contact_id, registration_published_at FROM phone WHERE mac = $1', [mac]);
    return rows[0];
  }

  /** Remembers that inventory asked for the full item set in this interaction (a day at most). */
  async markReadRequested(mac: string, interactionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM read_request WHERE mac = $1 AND requested_at < now() - interval '1 day'`, [mac]);
    await this.dataSource.query(
      'INSERT INTO read_request (mac, interaction_id, requested_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
      [mac, interactionId],
    );
  }

  /** Whether inventory asked this phone for its full item set in this interaction. */
  async readRequested(mac: string, interactionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM read_request WHERE mac = $1 AND interaction_id = $2', [mac, interactionId]);
    return rows.length > 0;
  }

  /**
   * Stores what a phone reported (a full item set, a local change, an inventory change) once
   * per contact: a redelivered event finds its contact id already stored and changes nothing.
   * Says whether the report's event was already published (only local and inventory changes
   * are).
   */
  async storeReport(r: PhoneReport): Promise<{ stored: boolean; published: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO phone_report (mac, contact_id, interaction_id, kind, reported_at, item_count, items)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
         ON CONFLICT (contact_id) DO NOTHING
         RETURNING id`,
        [r.mac, r.contactId, r.interactionId, r.kind, r.reportedAt, r.items.length, JSON.stringify(r.items)],
      );
      if (inserted.length === 0) {
        const rows: Array<{ published_at: Date | null }> = await tx.query('SELECT published_at FROM phone_report WHERE contact_id = $1', [r.contactId]);
        return { stored: false, published: rows[0]?.published_at != null };
      }
      if (r.kind !== 'full') return { stored: true, published: false };
      await tx.query(
        `UPDATE phone SET last_full_report_at = $2
         WHERE mac = $1 AND (last_full_report_at IS NULL OR last_full_report_at < $2)`,
        [r.mac, r.reportedAt],
      );
      return { stored: true, published: false };
    });
  }

  /** Notes that the broker acknowledged the event of the report of this contact. */
  async markReportPublished(contactId: string): Promise<void> {
    await this.dataSource.query('UPDATE phone_report SET published_at = now() WHERE contact_id = $1 AND published_at IS NULL', [contactId]);
  }
}
