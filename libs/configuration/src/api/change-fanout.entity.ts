import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ChangeScope } from './change-fanout';

/**
 * One change's re-plan of the phones it may concern, recorded with the change and drained by
 * `ChangeFanout`: phones go in MAC order, and `cursor` (the last MAC done) is committed with each
 * batch, so a restart resumes where the fan-out stopped.
 */
@Entity({ name: 'change_fanout' })
@Index('change_fanout_done_id', ['doneAt', 'id'])
export class ChangeFanoutEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'jsonb' })
  scope!: ChangeScope;

  @Column({ type: 'varchar', length: 300 })
  cause!: string;

  /** Where the fan-out is: the last MAC re-planned, or for a change that names its phones the position in its list; null before the first batch. */
  @Column({ type: 'varchar', length: 17, nullable: true })
  cursor!: string | null;

  @Column({ name: 'phones_done', type: 'integer' })
  phonesDone!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the last batch was done; null while phones are left. */
  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;
}
