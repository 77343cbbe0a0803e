/** How a stage keeps its dead letters (`DeadLetterModule.forRoot`). */
export interface DeadLetterSettings {
  /**
   * The service's CONFIG_SECRET_KEY (base64), where it has one: the original of each dead letter
   * is sealed with it, and replayed as it was. Without it the original is kept with its secret
   * items masked (a replay then carries the masks).
   */
  secretKey?: string;
  /** How often the relay looks for letters to replay. Default 1000. */
  replayIntervalMs?: number;
  /** How long letters are kept (DEAD_LETTER_RETENTION_DAYS…); left out, the defaults of {@link deadLetterRetentionFrom}'s variables. */
  retention?: DeadLetterRetentionSettings;
}

export interface DeadLetterRetentionSettings {
  /** Letters that failed longer ago than this are deleted, unless a replay is asked for and not yet done. */
  keepDays: number;
  /** Between two sweeps. */
  intervalMs: number;
  /** Letters one DELETE removes. */
  batchRows: number;
}

/** DEAD_LETTER_RETENTION_DAYS, RETENTION_INTERVAL_SECONDS and RETENTION_BATCH_ROWS, as settings. */
export function deadLetterRetentionFrom(env: { DEAD_LETTER_RETENTION_DAYS: number; RETENTION_INTERVAL_SECONDS: number; RETENTION_BATCH_ROWS: number }): DeadLetterRetentionSettings {
  return { keepDays: env.DEAD_LETTER_RETENTION_DAYS, intervalMs: env.RETENTION_INTERVAL_SECONDS * 1000, batchRows: env.RETENTION_BATCH_ROWS };
}

/** The defaults of the three variables (30 days, every 900 s, 1000 letters a batch). */
export const DEFAULT_DEAD_LETTER_RETENTION: DeadLetterRetentionSettings = { keepDays: 30, intervalMs: 900_000, batchRows: 1000 };

export const DEAD_LETTER_SETTINGS = Symbol('workpoint:dead-letter-settings');
