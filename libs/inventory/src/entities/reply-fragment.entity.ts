import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One part of a reply the phone sent in fragments (`fragment="next"`, protocol.md §3.4),
 * kept until the final part arrives and the whole reply is acted on.
 */
@Entity({ name: 'reply_fragment' })
@Index('reply_fragment_interaction', ['mac', 'interactionId', 'action'])
@Index('reply_fragment_received_at', ['receivedAt'])
export class ReplyFragmentEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 17 })
  mac!: string;

  @Column({ name: 'interaction_id', type: 'uuid' })
  interactionId!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Index('reply_fragment_contact_id', { unique: true })
  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ type: 'jsonb' })
  items!: unknown;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** Size of `items` as JSON, counted against the reply's byte cap before the next part is stored. */
  @Column({ type: 'integer', default: 0 })
  bytes!: number;

  /** The final part whose reply these parts were assembled into (null until then). */
  @Column({ name: 'assembled_by', type: 'uuid', nullable: true })
  assembledBy!: string | null;
}
