/**
 * Why a WPI document was refused. The gateway maps every code to its answer (usually a
 * `CleanUp`, as GS3 does), so adding a code here must force a compile error there.
 */
export const WPI_PARSE_ERROR_CODES = [
  'empty-body',
  'doctype-forbidden',
  'malformed-xml',
  'wrong-root',
  'missing-message',
  'duplicate-element',
  'missing-nonce',
  'missing-reason',
  'missing-action',
  'unknown-action',
  'bad-attribute',
  /** Over a pre-scan cap (elements, attributes, character references): answered before parsing. */
  'too-many-elements',
  /** Nonce too long or not printable ASCII: no reply can echo it, nothing is kept. */
  'bad-nonce',
] as const;
export type WpiParseErrorCode = (typeof WPI_PARSE_ERROR_CODES)[number];

export class WpiParseError extends Error {
  override readonly name = 'WpiParseError';
  /** The message itself is at fault: the same bytes are refused again. */
  readonly kind = 'permanent' as const;

  constructor(
    readonly code: WpiParseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const EXCERPT_LENGTH = 64;

/**
 * Quotes a value taken from the document for an error message, cut short: messages end up
 * in logs, and a phone (or anyone posting to the gateway) controls these strings.
 */
export function excerpt(raw: string): string {
  return JSON.stringify(raw.length > EXCERPT_LENGTH ? `${raw.slice(0, EXCERPT_LENGTH)}…` : raw);
}
