import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEFAULT_SCAN_LIMITS, scanDocument, type WpiScanLimits } from './message-scan';
import { WpiParseError } from './wpi-parse.error';
import { xmlReferenceDecoder } from './xml-reference.decoder';

/**
 * Low-level, namespace-blind view of a parsed WPI document. Elements come back as either a
 * string (no attributes) or an object holding `@_attr` keys, a `#text` key and child
 * elements; `Item` is always an array so a single item needs no special case.
 */
export interface XmlDocument {
  /** Local name of the root element (namespace prefix removed). */
  readonly rootName: string;
  readonly root: unknown;
}

// A DTD is the only way to declare entities; WPI never uses one, so its mere presence
// (even a harmless-looking one) is treated as an attack rather than parsed.
const DTD_MARKUP = /<!(?:DOCTYPE|ENTITY)/i;

// Not fatal: a phone with a broken umlaut in a display name should still get its CleanUp.
const utf8 = new TextDecoder('utf-8');

const ATTRIBUTE_PREFIX = '@_';
const TEXT_KEY = '#text';

// Built once: the gateway parses one document per phone request.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT_KEY,
  // Phones write `xmlns="http://www.siemens.com/DLS"`, others prefix (`dls:`) or omit it;
  // the namespace carries no information for us.
  removeNSPrefix: true,
  // Values such as `00123`, `true` or `-1` must stay text; the item catalogue decides types.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  entityDecoder: xmlReferenceDecoder,
  isArray: (tagName: string, _path: unknown, _isLeaf: boolean, isAttribute: boolean) =>
    !isAttribute && tagName === 'Item',
  // No callback needs the element path as a string; building it costs ~10% per parse.
  jPath: false,
});

function toText(input: string | Buffer): string {
  if (typeof input === 'string') {
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  return utf8.decode(input);
}

/**
 * The cheap checks that come before validation and parsing (empty, DTD, pre-scan caps), on
 * their own: the gateway runs them on the event loop before it hands a large body to a parse
 * worker, so a hostile body is refused without a worker round trip. Returns the decoded text.
 */
export function prescanDocument(input: string | Buffer, limits: WpiScanLimits = DEFAULT_SCAN_LIMITS): string {
  const text = toText(input);
  if (text.trim() === '') {
    throw new WpiParseError('empty-body', 'document is empty');
  }
  if (DTD_MARKUP.test(text)) {
    throw new WpiParseError('doctype-forbidden', 'document contains a DOCTYPE or ENTITY declaration');
  }
  scanDocument(text, limits);
  return text;
}

export function readXmlDocument(input: string | Buffer, limits: WpiScanLimits = DEFAULT_SCAN_LIMITS): XmlDocument {
  const text = prescanDocument(input, limits);
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new WpiParseError('malformed-xml', `not well-formed XML at line ${line}, column ${col ?? '?'}: ${msg}`);
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WpiParseError('malformed-xml', `not well-formed XML: ${reason}`);
  }
  const rootNames = isObject(parsed) ? Object.keys(parsed).filter((key) => !key.startsWith('?')) : [];
  const rootName = rootNames[0];
  if (!isObject(parsed) || rootName === undefined) {
    throw new WpiParseError('malformed-xml', 'not well-formed XML: document has no root element');
  }
  // The validator misses a second root when it is self-closing (`<a></a><b/>`).
  if (rootNames.length > 1 || Array.isArray(parsed[rootName])) {
    throw new WpiParseError('malformed-xml', 'not well-formed XML: document has more than one root element');
  }
  return { rootName, root: parsed[rootName] };
}

function isObject(node: unknown): node is Readonly<Record<string, unknown>> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The one child element called `name`, or undefined; a repeated element is ambiguous and refused. */
export function singleChild(parent: unknown, name: string, parentName: string): unknown {
  if (!isObject(parent)) {
    return undefined;
  }
  const child = parent[name];
  if (Array.isArray(child)) {
    throw new WpiParseError('duplicate-element', `${parentName} contains ${child.length} ${name} elements, expected one`);
  }
  return child;
}

/** All child elements called `name` (used for `Item`, which the parser always returns as an array). */
export function childList(parent: unknown, name: string): readonly unknown[] {
  if (!isObject(parent)) {
    return [];
  }
  const children = parent[name];
  if (children === undefined) {
    return [];
  }
  return Array.isArray(children) ? children : [children];
}

export function attribute(node: unknown, name: string): string | undefined {
  if (!isObject(node)) {
    return undefined;
  }
  const value = node[ATTRIBUTE_PREFIX + name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** Trimmed text content; '' for an empty element. Text around child elements is joined. */
export function textContent(node: unknown): string {
  if (typeof node === 'string') {
    return node.trim();
  }
  if (isObject(node)) {
    const text = node[TEXT_KEY];
    return typeof text === 'string' ? text.trim() : '';
  }
  return '';
}
