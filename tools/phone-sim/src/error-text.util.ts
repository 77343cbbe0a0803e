/** The message of anything thrown, for records that must stay plain strings. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
