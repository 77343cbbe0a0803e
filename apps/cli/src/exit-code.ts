/** The CLI's exit statuses; scripts branch on them. */
export const ExitCode = {
  /** Done: the import was valid (and applied, unless a dry run). */
  ok: 0,
  /** The server refused the file: line errors or a fatal problem. Nothing was applied. dlq: no such dead letter, or it cannot be replayed. */
  rejected: 1,
  /** Wrong arguments, or a local file that cannot be sent. */
  usage: 2,
  /** HTTP status, authentication, network or an unreadable response. dlq: a database error, or the service did not replay in time. */
  failure: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
