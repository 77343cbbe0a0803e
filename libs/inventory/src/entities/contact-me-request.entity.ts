import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One phone's contact-me state: the contact in progress (due, deferred, waiting to retry or
 * claimed by a relay) and when the phone was last asked, for the gap rule. A row outlives
 * restarts; `due_at` null means no contact is active.
 */
@Entity({ name: 'contact_me_request' })
@Index('contact_me_request_due_at', ['dueAt'])
export class ContactMeRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 17 })
  mac!: string;

  /** The target the next attempt goes to (the phone's stored contact-me-uri at the latest request). */
  @Column({ type: 'varchar', length: 300 })
  target!: string;

  /** The source address of the phone's requests at the latest request (the current one is read again before each attempt). */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  /** When the next attempt may start; while a relay holds the row, the end of its lease. Null: no contact active. */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  /** A request that came within the gap: made at `due_at` unless the phone made contact after `requested_at`. */
  @Column({ type: 'boolean' })
  deferred!: boolean;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  /** Attempts made in the active contact (the next one is this + 1). */
  @Column({ name: 'attempts_made', type: 'integer' })
  attemptsMade!: number;

  /** Start of the last attempt sent to the phone, whatever its outcome: the gap is measured from it. */
  @Column({ name: 'last_started_at', type: 'timestamptz', nullable: true })
  lastStartedAt!: Date | null;

  /** Outcome of the last attempt (as in `contact_me_attempt.outcome`). */
  @Column({ name: 'last_outcome', type: 'varchar', length: 16, nullable: true })
  lastOutcome!: string | null;

  /** Why: the error, the refusal reason. */
  @Column({ name: 'last_detail', type: 'varchar', length: 300, nullable: true })
  lastDetail!: string | null;
}
