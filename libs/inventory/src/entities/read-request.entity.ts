import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Inventory asked this phone for all its items in this interaction. A phone may run two
 * interactions at once, so this is kept per interaction, not per phone.
 */
@Entity({ name: 'read_request' })
@Index('read_request_requested_at', ['requestedAt'])
export class ReadRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 17 })
  mac!: string;

  @PrimaryColumn({ name: 'interaction_id', type: 'uuid' })
  interactionId!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;
}
