import type { WpiItem } from './wpi-types';
import { WpiBuildError } from './wpi-build.error';
import { escapeXml, hasIllegalXmlChar, isCleanIdentifier } from './xml-escape.util';

/**
 * `service`: `name` first, no status (guide DLSMessage examples).
 * `phone`: `status`, `index`, then `name`, the order real phones write (protocol.md §3.1), so
 * the simulator exercises the gateway's attribute-order tolerance.
 */
export type ItemStyle = 'service' | 'phone';

/**
 * One `<Item>` element. A null or empty value is written self-closing (`<Item name="x"/>`),
 * the form phones use for failed items and the guide uses for ReadItems requests.
 * Values are written as given; the parser trims them, so edge whitespace does not survive.
 * CR is not escaped as `&#13;` (that would lean on the numeric-reference support GS3 doubts),
 * so a CRLF in a value (a PEM from Windows) reaches the phone as LF, which is harmless.
 */
export function writeItem(item: WpiItem, style: ItemStyle): string {
  const { name, index, value, status } = item;
  if (typeof name !== 'string' || !isCleanIdentifier(name)) {
    throw new WpiBuildError('bad-item-name', `item name ${JSON.stringify(name)} is empty or contains control characters`);
  }
  if (index !== undefined && !(Number.isSafeInteger(index) && index >= 0)) {
    throw new WpiBuildError('bad-item-index', `item "${name}" has index ${String(index)}, expected a non-negative integer`);
  }
  if (value !== null && (typeof value !== 'string' || hasIllegalXmlChar(value))) {
    throw new WpiBuildError('bad-item-value', `item "${name}" has a value XML 1.0 cannot carry`);
  }
  const indexAttribute = index === undefined ? '' : ` index="${index}"`;
  let attributes: string;
  if (style === 'phone') {
    if (status !== undefined && !isCleanIdentifier(status)) {
      throw new WpiBuildError('bad-item-status', `item "${name}" has an empty status or one with control characters`);
    }
    const statusAttribute = status === undefined ? '' : ` status="${escapeXml(status)}"`;
    attributes = `${statusAttribute}${indexAttribute} name="${escapeXml(name)}"`;
  } else {
    attributes = ` name="${escapeXml(name)}"${indexAttribute}`;
  }
  return value === null || value === '' ? `<Item${attributes}/>` : `<Item${attributes}>${escapeXml(value)}</Item>`;
}
