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
}

export const DEAD_LETTER_SETTINGS = Symbol('workpoint:dead-letter-settings');
