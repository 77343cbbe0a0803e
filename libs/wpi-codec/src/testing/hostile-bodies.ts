import { randomBytes } from 'node:crypto';
import type { WpiScanLimits } from '../message-scan';
import { ROOT_NAMESPACE_ATTRIBUTES } from '../wpi-xml.constants';

/**
 * Attack bodies for the phone edge (issue 8, "Hostile networks"): what a hostile or broken
 * client on the phone VLAN can POST to /DeploymentService/LoginService. Pure builders, shared
 * by unit tests, the hostile e2e suite and the bench's "hostile neighbour" row.
 *
 * Every body is a well-formed WorkpointMessage (so it gets past any "is this XML" check and
 * reaches the expensive parts) unless the attack is the malformation itself. All bodies are
 * ASCII except where a builder says otherwise, so string length equals byte length.
 */

/** A fresh, valid nonce as phones send it: 32 upper-case hex characters. */
export function hostileNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** A MAC no real phone has (locally administered bit set), used when the caller gives none. */
const DEFAULT_MAC = '02:00:5E:10:00:01';

function envelope(nonce: string, inner: string, reason = 'start-up'): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<WorkpointMessage ${ROOT_NAMESPACE_ATTRIBUTES}>` +
    `<Message nonce="${nonce}" maxItems="-1"><ReasonForContact>${reason}</ReasonForContact>` +
    `<ItemList>${inner}</ItemList></Message></WorkpointMessage>`
  );
}

function item(name: string, value: string): string {
  return `<Item name="${name}">${value}</Item>`;
}

/** The items a start-up needs to be stored, so an accepted attack would visibly register `mac`. */
function startupItems(mac: string, overrides: Readonly<Record<string, string>> = {}): string {
  const values: Record<string, string> = {
    'device-type': 'OpenStage 60',
    'software-type': 'Siemens SIP',
    'software-version': 'V3 R5.6.0',
    'contact-me-uri': 'http://127.0.0.1:8085/contact_dls.html/ContactDLS',
    'mac-addr': mac,
    e164: '4989700000',
    ...overrides,
  };
  return Object.entries(values)
    .map(([name, value]) => item(name, value))
    .join('');
}

/** `count` distinct, short attribute names: a0 … a9, aa …, in base 36. */
function attributeName(index: number): string {
  return `a${index.toString(36)}`;
}

/**
 * Fills `bytes` exactly: `open` + repeated `unit(i)` + spaces + `close`; callers put the
 * spaces where whitespace is harmless (inside a start tag, between elements, in a value).
 */
function fill(bytes: number, open: string, close: string, unit: (index: number) => string): { body: string; count: number } {
  const parts: string[] = [open];
  let size = open.length + close.length;
  let count = 0;
  for (;;) {
    const next = unit(count);
    if (size + next.length > bytes) {
      break;
    }
    parts.push(next);
    size += next.length;
    count += 1;
  }
  parts.push(' '.repeat(Math.max(0, bytes - size)), close);
  return { body: parts.join(''), count };
}

function frameSize(open: string, close: string): number {
  return open.length + close.length;
}

/**
 * One `Item` carrying as many distinct attributes as fit in `bytes` (` a1x=""`, ~9 bytes each:
 * ~110k attributes in 1 MiB). Well-formed. Exactly `bytes` long when `bytes` is larger than
 * the envelope. Targets parsers that build an object per attribute.
 */
export function manyAttributesBody(bytes: number, nonce = hostileNonce()): Buffer {
  const [open, close] = envelope(nonce, '\u0000').split('\u0000') as [string, string];
  const itemOpen = `${open}<Item name="device-type"`;
  const itemClose = `>x</Item>${close}`;
  return Buffer.from(fill(bytes, itemOpen, itemClose, (index) => ` ${attributeName(index)}=""`).body, 'ascii');
}

/**
 * As many empty elements (`<I/>`, 4 bytes each: ~260k in 1 MiB) as fit in `bytes`, inside
 * the ItemList. Well-formed; not valid WPI (the element count is the attack).
 */
export function manyElementsBody(bytes: number, nonce = hostileNonce()): Buffer {
  const [open, close] = envelope(nonce, '\u0000').split('\u0000') as [string, string];
  return Buffer.from(fill(bytes, open, close, () => '<I/>').body, 'ascii');
}

/**
 * A complete start-up of `mac` whose nonce is `length` hex characters long. Everything else is
 * valid, so a gateway without a nonce limit registers the phone (and keeps the nonce).
 */
export function longNonceBody(length: number, mac = DEFAULT_MAC): Buffer {
  const nonce = 'F'.repeat(length);
  return Buffer.from(envelope(nonce, startupItems(mac)), 'ascii');
}

/**
 * A complete start-up of `mac` whose nonce carries characters outside printable ASCII:
 * a line feed and a DEL as character references (both legal XML 1.0, so only a nonce check
 * catches them; the line feed forges a log line) and a raw tab and NEL (U+0085, UTF-8 encoded).
 */
export function controlCharNonceBody(mac = DEFAULT_MAC): Buffer {
  const nonce = '4F6A1034A46B&#10;forged log line&#127;\t\u0085END';
  return Buffer.from(envelope(nonce, startupItems(mac)), 'utf8');
}

/** A value of exactly `length` characters that still looks like the item's type. */
function overlongValue(itemName: string, length: number): string {
  const prefix = itemName === 'contact-me-uri' ? 'http://127.0.0.1:8085/' : '';
  if (length <= prefix.length) {
    return 'x'.repeat(length);
  }
  return prefix + 'x'.repeat(length - prefix.length);
}

/**
 * A complete, valid start-up of `mac` except that `itemName` carries a value of `length`
 * characters (e.g. `contact-me-uri` or `device-type` far over their limits).
 */
export function overlongValueBody(itemName: string, length: number, mac = DEFAULT_MAC, nonce = hostileNonce()): Buffer {
  const value = overlongValue(itemName, length);
  return Buffer.from(envelope(nonce, startupItems(mac, { [itemName]: value })), 'ascii');
}

/**
 * `depth` nested elements inside one Item's value (`<a><a>…</a></a>`, 7 bytes a level).
 * Well-formed; targets recursive parsers (stack depth) and tree builders.
 */
export function deepNestingBody(depth: number, nonce = hostileNonce()): Buffer {
  const inner = `<Item name="device-type">${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</Item>`;
  return Buffer.from(envelope(nonce, inner), 'ascii');
}

/** As many real `Item` elements (all different names) as fit in `bytes`: the largest "valid-looking" reply. */
function manyItemsBody(bytes: number, nonce: string): Buffer {
  const [open, close] = envelope(nonce, '\u0000', 'reply-to').split('\u0000') as [string, string];
  return Buffer.from(fill(bytes, open, close, (index) => `<Item name="i${index.toString(36)}">v</Item>`).body, 'ascii');
}

/** One item whose value is `&#65;` repeated to fill `bytes`: a character reference every 5 bytes. */
function manyReferencesBody(bytes: number, nonce: string): Buffer {
  const [open, close] = envelope(nonce, '\u0000').split('\u0000') as [string, string];
  const itemOpen = `${open}<Item name="device-type">`;
  const itemClose = `</Item>${close}`;
  return Buffer.from(fill(bytes, itemOpen, itemClose, () => '&#65;').body, 'ascii');
}

export interface HostileBody {
  /** Stable name for reports and test titles, e.g. `many-attributes`. */
  readonly name: string;
  readonly body: Buffer;
}

/**
 * The worst cases that still fit a body limit of `maxBodyBytes` (each exactly that long, or,
 * for deep nesting, as deep as fits): what a hostile neighbour sends when the gateway accepts
 * bodies up to the limit. Each call draws fresh nonces.
 */
export function worstCaseBodies(maxBodyBytes: number): readonly HostileBody[] {
  const nestingFrame = frameSize(...(envelope('N'.repeat(32), '\u0000').split('\u0000') as [string, string]));
  const nestingDepth = Math.max(1, Math.floor((maxBodyBytes - nestingFrame - '<Item name="device-type">x</Item>'.length) / 7));
  return [
    { name: 'many-attributes', body: manyAttributesBody(maxBodyBytes) },
    { name: 'many-elements', body: manyElementsBody(maxBodyBytes) },
    { name: 'many-items', body: manyItemsBody(maxBodyBytes, hostileNonce()) },
    { name: 'deep-nesting', body: deepNestingBody(nestingDepth) },
    { name: 'many-references', body: manyReferencesBody(maxBodyBytes, hostileNonce()) },
    { name: 'overlong-value', body: overlongValueBody('device-type', maxBodyBytes - 1024) },
  ];
}

/** Occurrences of `character` in `text`, skipping those followed by `notFollowedBy` (counted as the pre-scan counts). */
function countOf(text: string, character: string, notFollowedBy?: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) {
    if (notFollowedBy === undefined || text[at + 1] !== notFollowedBy) count += 1;
  }
  return count;
}

/** Values stay far under MAX_ITEM_VALUE_CHARS (default 16 384): a filled body is many items, not one long value. */
const DEFAULT_VALUE_FILL_LIMIT = 1024;

export interface AcceptedBodyLimits {
  /** MAX_BODY_BYTES. */
  readonly maxBodyBytes: number;
  /** The pre-scan caps (MAX_ELEMENTS/ATTRIBUTES/REFERENCES_PER_MESSAGE). */
  readonly scanLimits: WpiScanLimits;
}

/**
 * The most expensive body that passes every cap of the edge, so it is parsed in full: a
 * ReadAllItems reply fragment with as many `function-key-def` items as the element and
 * attribute caps allow (3 attributes each: name, index and a one-letter status, the most a phone writes, kept short so the caps bind before the byte limit), their
 * values sharing what is left of `maxBodyBytes` (digits, as the item's integer type). Exactly
 * `maxBodyBytes` long when the items fit (ASCII), shorter otherwise; every value within the
 * default per-item limit. It carries no mac-addr: after the parse it costs a nonce lookup, not
 * storage.
 */
export function maxAcceptedBody(limits: AcceptedBodyLimits, nonce = hostileNonce()): Buffer {
  const open =
    `<?xml version="1.0" encoding="utf-8"?>\n<WorkpointMessage ${ROOT_NAMESPACE_ATTRIBUTES}>` +
    `<Message nonce="${nonce}" maxItems="-1" fragment="next"><ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact><ItemList>`;
  const close = '</ItemList></Message></WorkpointMessage>';
  const frame = open + close;
  const { maxElements, maxAttributes } = limits.scanLimits;
  const byCaps = Math.min(maxElements - countOf(frame, '<', '/'), Math.floor((maxAttributes - countOf(frame, '=')) / 3));
  const itemWithValue = (index: number, value: string) => `<Item name="function-key-def" index="${index + 1}" status="x">${value}</Item>`;
  // Indexes grow with the count, so the bare size of n items is found by adding them up.
  let items = 0;
  let bare = frame.length;
  while (items < byCaps && bare + itemWithValue(items, '0').length <= limits.maxBodyBytes) {
    bare += itemWithValue(items, '0').length;
    items += 1;
  }
  const spare = limits.maxBodyBytes - bare;
  const extra = items === 0 ? 0 : Math.min(DEFAULT_VALUE_FILL_LIMIT, Math.floor(spare / items));
  let leftover = items === 0 ? 0 : spare - extra * items;
  const parts = [open];
  for (let index = 0; index < items; index++) {
    const more = leftover > 0 && extra < DEFAULT_VALUE_FILL_LIMIT ? 1 : 0;
    leftover -= more;
    parts.push(itemWithValue(index, '1'.repeat(1 + extra + more)));
  }
  parts.push(close);
  return Buffer.from(parts.join(''), 'ascii');
}
