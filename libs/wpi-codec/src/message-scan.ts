import { WpiParseError } from './wpi-parse.error';

/**
 * Caps of the pre-scan that runs before any XML validation or parsing. Parsing costs per
 * element, per attribute and per character reference (measured: tools/bench/src/parse-worst-case.ts),
 * so these three counts, not the body size, bound how long one message holds the event loop.
 */
export interface WpiScanLimits {
  /** Start tags, comments and processing instructions (every `<` not followed by `/`). */
  readonly maxElements: number;
  /** Every `=` in the document: each attribute needs one, so this over-counts, never under-counts. */
  readonly maxAttributes: number;
  /** Every `&` in the document: each entity or character reference starts with one. */
  readonly maxReferences: number;
}

/**
 * Sized from what phones send (protocol.md §3.4): a message is at most 50 kB, larger replies
 * are fragmented. 50 kB holds ~1 200 realistic items (`<Item name="function-key-def"
 * index="1001">0</Item>`, ~45 bytes) and fewer than 2 000 of the shortest ones; each item
 * carries at most `name`, `index` and `status` (3 attributes); phones write entities rarely
 * if at all (GS3 says they do not understand `&amp;`/`&lt;`).
 */
export const DEFAULT_SCAN_LIMITS: WpiScanLimits = { maxElements: 2048, maxAttributes: 6144, maxReferences: 2048 };

const LT = 0x3c;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const AMPERSAND = 0x26;

/**
 * Counts what makes parsing expensive, in one pass over the characters and without building
 * anything, and refuses a document over a cap. Hand-written rather than a parser option:
 * fast-xml-parser has no such caps, and its validator, which runs first, is as expensive as
 * the parse itself. Sound for any input: `<`, `=` and `&` are counted wherever they appear
 * (in text too), so a document cannot hide elements or attributes from it.
 */
export function scanDocument(text: string, limits: WpiScanLimits): void {
  let elements = 0;
  let attributes = 0;
  let references = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === LT) {
      if (text.charCodeAt(at + 1) !== SLASH && ++elements > limits.maxElements) throw tooMany('elements', limits.maxElements);
    } else if (code === EQUALS) {
      if (++attributes > limits.maxAttributes) throw tooMany('attributes', limits.maxAttributes);
    } else if (code === AMPERSAND && ++references > limits.maxReferences) {
      throw tooMany('character references', limits.maxReferences);
    }
  }
}

function tooMany(what: string, limit: number): WpiParseError {
  return new WpiParseError('too-many-elements', `document has more than ${limit} ${what}; phones split larger replies into fragments`);
}
