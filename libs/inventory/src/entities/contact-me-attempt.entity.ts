import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt to reach a phone's contact-me listener (protocol.md §2.5) and its outcome. */
@Entity({ name: 'contact_me_attempt' })
@Index('contact_me_attempt_mac_at', ['mac', 'attemptedAt'])
@Index('contact_me_attempt_attempted_at', ['attemptedAt'])
export class ContactMeAttemptEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 17 })
  mac!: string;

  @Column({ type: 'varchar', length: 300 })
  target!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  /** accepted (204) · refused (other status) · unreachable · timed-out · invalid-target · no-target */
  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  detail!: string | null;

  @Column({ type: 'boolean' })
  final!: boolean;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt!: Date;
}
