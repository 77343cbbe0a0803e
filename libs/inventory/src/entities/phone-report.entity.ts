import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One item set a phone reported (the answer to ReadAllItems), kept whole: indexed items with
 * their index, item statuses as the phone sent them. `contact_id` is unique, which makes a
 * redelivered event a no-op.
 */
@Entity({ name: 'phone_report' })
@Index('phone_report_mac_reported_at', ['mac', 'reportedAt'])
@Index('phone_report_reported_at', ['reportedAt'])
export class PhoneReportEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 17 })
  mac!: string;

  @Index('phone_report_contact_id', { unique: true })
  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'interaction_id', type: 'uuid' })
  interactionId!: string;

  /** `full` = answer to ReadAllItems. */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;

  @Column({ name: 'item_count', type: 'integer' })
  itemCount!: number;

  @Column({ type: 'jsonb' })
  items!: unknown;
}
