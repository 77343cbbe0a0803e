import type { WpiItem } from './wpi-types';
import { WpiParseError, excerpt } from './wpi-parse.error';
import { attribute, childList, textContent } from './xml-document.reader';

const DECIMAL = /^[0-9]+$/;

function readIndex(raw: string, position: number, name: string): number {
  const index = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(index)) {
    throw new WpiParseError(
      'bad-attribute',
      `Item #${position} (name ${excerpt(name)}) has index ${excerpt(raw)}, expected a non-negative decimal integer`,
    );
  }
  return index;
}

/**
 * Reads the `Item` children of an `ItemList`. Items keep document order and repeated names;
 * the `type` attribute ("currently not used", G p.26) is ignored.
 */
export function readItemList(itemList: unknown): WpiItem[] {
  return childList(itemList, 'Item').map((node, offset) => {
    const position = offset + 1;
    const name = attribute(node, 'name');
    if (name === undefined || name === '') {
      throw new WpiParseError('bad-attribute', `Item #${position} in ItemList has no name attribute`);
    }
    const rawIndex = attribute(node, 'index');
    const status = attribute(node, 'status');
    const value = textContent(node);
    return {
      name,
      ...(rawIndex !== undefined ? { index: readIndex(rawIndex, position, name) } : {}),
      value: value === '' ? null : value,
      ...(status !== undefined && status !== '' ? { status } : {}),
    };
  });
}
