import { randomBytes } from 'node:crypto';
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
