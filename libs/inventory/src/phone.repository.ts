import type { DataSource } from 'typeorm';
import type { WpiItem } from '@workpoint/wpi-codec';
import { PhoneEntity } from './entities/phone.entity';

export interface PhoneContactFacts {
  mac: string;
  e164: string | null;
  deviceType: string | null;
  softwareVersion: string | null;
  contactMeUri: string | null;
  basicItems: WpiItem[];
  reason: string;
  remoteAddress: string;
  contactAt: Date;
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

/** The only code of the inventory service that talks to PostgreSQL. */
export class PhoneRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPhone(mac: string): Promise<PhoneEntity | null> {
    return this.dataSource.getRepository(PhoneEntity).findOneBy({ mac });
  }

  /**
   * Registers an unknown phone or updates a known one. An older contact arriving late (a
   * reordered or redelivered event) never overwrites newer facts. Returns whether the phone
   * was new.
   */
  async recordContact(f: PhoneContactFacts): Promise<{ registered: boolean }> {
    const rows: Array<{ registered: boolean }> = await this.dataSource.query(
      `INSERT INTO phone AS p (mac, e164, device_type, software_version, contact_me_uri, basic_items,
                               registered_at, last_contact_at, last_reason, last_remote_address)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7, $8, $9)
       ON CONFLICT (mac) DO UPDATE SET
         e164 = COALESCE(EXCLUDED.e164, p.e164),
         device_type = COALESCE(EXCLUDED.device_type, p.device_type),
         software_version = COALESCE(EXCLUDED.software_version, p.software_version),
         contact_me_uri = COALESCE(EXCLUDED.contact_me_uri, p.contact_me_uri),
         basic_items = EXCLUDED.basic_items,
         last_contact_at = EXCLUDED.last_contact_at,
         last_reason = EXCLUDED.last_reason,
         last_remote_address = EXCLUDED.last_remote_address
       WHERE p.last_contact_at <= EXCLUDED.last_contact_at
       RETURNING (xmax = 0) AS registered`,
      [f.mac, f.e164, f.deviceType, f.softwareVersion, f.contactMeUri, JSON.stringify(f.basicItems), f.contactAt, f.reason, f.remoteAddress],
    );
    return { registered: rows[0]?.registered ?? false };
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
   */
  async storeReport(r: PhoneReport): Promise<{ stored: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO phone_report (mac, contact_id, interaction_id, kind, reported_at, item_count, items)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
         ON CONFLICT (contact_id) DO NOTHING
         RETURNING id`,
        [r.mac, r.contactId, r.interactionId, r.kind, r.reportedAt, r.items.length, JSON.stringify(r.items)],
      );
      if (inserted.length === 0) return { stored: false };
      if (r.kind !== 'full') return { stored: true };
      await tx.query(
        `UPDATE phone SET last_full_report_at = $2
         WHERE mac = $1 AND (last_full_report_at IS NULL OR last_full_report_at < $2)`,
        [r.mac, r.reportedAt],
      );
      return { stored: true };
    });
  }
}
