import { EntitySchema } from 'typeorm';
import type { RejectionCode } from '../messaging.error';

/**
 * A dead letter at rest, in the schema of the service that gave the message up (each service
 * has a `dead_letter` table of its own). `value` is the original message, never in clear: sealed
 * with the service's CONFIG_SECRET_KEY where it has one (`valueSealed`), else with its secret
 * items masked. `workpoint dlq replay` sets `replayRequestedAt`; the owning service's relay
 * re-publishes the original to `sourceTopic` and sets `replayedAt`.
 */
export interface DeadLetterRow {
  /** Derived from the message (group, topic, key, value): the same message failing again updates its row. */
  id: string;
  sourceTopic: string;
  groupId: string;
  key: string | null;
  headers: Record<string, string>;
  value: string;
  valueSealed: boolean;
  errorCode: RejectionCode;
  error: string;
  attempts: number;
  failedAt: Date;
  replayRequestedAt: Date | null;
  replayedAt: Date | null;
}

export const DeadLetterEntity = new EntitySchema<DeadLetterRow>({
  name: 'dead_letter',
  tableName: 'dead_letter',
  columns: {
    id: { type: 'uuid', primary: true },
    sourceTopic: { name: 'source_topic', type: 'varchar', length: 249 },
    groupId: { name: 'group_id', type: 'varchar', length: 255 },
    key: { type: 'varchar', length: 256, nullable: true },
    headers: { type: 'jsonb' },
    value: { type: 'text' },
    valueSealed: { name: 'value_sealed', type: 'boolean' },
    errorCode: { name: 'error_code', type: 'varchar', length: 32 },
    error: { type: 'varchar', length: 2000 },
    attempts: { type: 'int' },
    failedAt: { name: 'failed_at', type: 'timestamptz' },
    replayRequestedAt: { name: 'replay_requested_at', type: 'timestamptz', nullable: true },
    replayedAt: { name: 'replayed_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'dead_letter_failed_at', columns: ['failedAt'] }],
});
