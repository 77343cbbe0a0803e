import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A phone the service has heard from: its identity and what it last said about itself. */
@Entity({ name: 'phone' })
export class PhoneEntity {
  @PrimaryColumn({ type: 'varchar', length: 17 })
  mac!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  e164!: string | null;

  @Column({ name: 'device_type', type: 'varchar', length: 128, nullable: true })
  deviceType!: string | null;

  @Column({ name: 'software_version', type: 'varchar', length: 64, nullable: true })
  softwareVersion!: string | null;

  /** The phone's contact-me-uri as checked at ingest (normalised, default path filled in); null when refused or never reported. */
  @Column({ name: 'contact_me_uri', type: 'varchar', length: 255, nullable: true })
  contactMeUri!: string | null;

  /** Why the contact-me-uri the phone last reported was refused (the URI is not kept then). */
  @Column({ name: 'contact_me_refusal', type: 'varchar', length: 128, nullable: true })
  contactMeRefusal!: string | null;

  /** The basic items of the latest contact that carried them (start-up, solicited, …). */
  @Column({ name: 'basic_items', type: 'jsonb' })
  basicItems!: unknown;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ name: 'last_contact_at', type: 'timestamptz' })
  lastContactAt!: Date;

  @Column({ name: 'last_reason', type: 'varchar', length: 64 })
  lastReason!: string;

  @Column({ name: 'last_remote_address', type: 'varchar', length: 64 })
  lastRemoteAddress!: string;

  @Column({ name: 'last_full_report_at', type: 'timestamptz', nullable: true })
  lastFullReportAt!: Date | null;
}
