import { WpiParseError } from './wpi-parse.error';

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

// One pass over the text, so `&amp;lt;` becomes the literal `&lt;` and is never decoded twice.
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/**
 * Decodes the five predefined entities and numeric character references, and nothing else.
 * Undeclared names such as `&nbsp;` are left as they are (a phone never sends them, and
 * guessing an HTML meaning would be wrong for XML). A reference to a code point XML cannot
 * carry (`&#0;`) makes the document not well-formed, so it throws.
 */
export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) {
    return text;
  }
  return text.replace(
    REFERENCE,
    (reference: string, hex: string | undefined, decimal: string | undefined, named: string | undefined) => {
      if (named !== undefined) {
        return PREDEFINED_ENTITIES[named] ?? reference;
      }
      const codePoint = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10);
      if (!isXmlChar(codePoint)) {
        throw new WpiParseError('malformed-xml', `character reference ${reference} does not name an XML character`);
      }
      return String.fromCodePoint(codePoint);
    },
  );
}

/**
 * Plugged into fast-xml-parser in place of its own decoder. Its hooks for DTD-declared and
 * external entities do nothing on purpose: entities from a DOCTYPE must never be expanded
 * (billion laughs, XXE). The codec already refuses any DOCTYPE before parsing; this keeps
 * the parser safe even if that check were bypassed.
 */
export const xmlReferenceDecoder = {
  setExternalEntities: (): void => undefined,
  addInputEntities: (): void => undefined,
  reset: (): void => undefined,
  setXmlVersion: (): void => undefined,
  decode: decodeXmlReferences,
};
