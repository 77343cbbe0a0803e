import type { WpiAction, WpiItem } from './wpi-types';
import { buildDlsMessage } from './dls-message.builder';
import { relatedGroupKey } from './item-groups';
import { writeItem } from './wpi-item.writer';

/** protocol.md §3.4: "A message is limited to 50 kB". We read kB as 1024 bytes. */
export const WPI_MAX_MESSAGE_BYTES = 50 * 1024;

export const WPI_SPLIT_ERROR_CODES = ['group-too-large', 'bad-limits'] as const;
export type WpiSplitErrorCode = (typeof WPI_SPLIT_ERROR_CODES)[number];

/**
 * The payload cannot be split within the limits without breaking a related group
 * (`group-too-large`), or the limits themselves make no sense (`bad-limits`). Both are
 * decisions for the caller — drop the group, answer differently — never for the splitter,
 * which must not send half a group (protocol.md §3.4).
 */
export class WpiSplitError extends Error {
  override readonly name = 'WpiSplitError';
  /** The payload or the limits are at fault: splitting them again fails again. */
  readonly kind = 'permanent' as const;

  constructor(
    readonly code: WpiSplitErrorCode,
    message: string,
    /** The related group (see `relatedGroupKey`) that does not fit, for `group-too-large`. */
    readonly groupKey?: string,
  ) {
    super(message);
  }
}

export interface SplitLimits {
  /** The phone's `maxItems` (§3.1); -1 (and 0, see `splitItems`) = no cap on the item count. */
  maxItems: number;
  /** UTF-8 bytes of one serialised DLSMessage; default `WPI_MAX_MESSAGE_BYTES`. */
  maxBytes?: number;
  /** Action and nonce of the messages to be built: both are part of every message's size. */
  action: WpiAction;
  nonce: string;
}

interface Group {
  readonly key: string;
  count: number;
  bytes: number;
  message: number;
}

/**
 * Splits the items of one WriteItems / ReadItems / FileDeployment payload into the item lists
 * of consecutive messages (protocol.md §3.4: the service sends several ordinary messages in a
 * row), so that each message built with `buildDlsMessage({ nonce, action, items })` — no
 * comment — has at most `maxItems` items and at most `maxBytes` UTF-8 bytes, and no related
 * group (`relatedGroupKey`) is spread over two messages.
 *
 * Groups are placed in the order of their first item, each message filled as far as it goes
 * before the next one starts; for a fixed group order that gives the fewest messages. Inside a
 * message the items keep their original order. Item objects are passed through, not copied.
 *
 * No items → no messages (`[]`): whether an empty WriteItems should still be sent is the
 * caller's decision, and an empty list cannot mean "one message" by accident.
 *
 * `maxItems` of 0 is treated like -1: the parser accepts it, but a phone accepting no items
 * at all makes no sense and no trace shows anything but -1 (§3.1), so we do not turn it into a
 * refusal to write anything.
 *
 * Throws `WpiSplitError('group-too-large')` naming the group when one group alone exceeds a
 * limit, `WpiSplitError('bad-limits')` for impossible limits, and `WpiBuildError` for an item,
 * nonce or action that cannot be written at all.
 */
export function splitItems(items: readonly WpiItem[], limits: SplitLimits): WpiItem[][] {
  const maxItems = readMaxItems(limits.maxItems);
  const maxBytes = readMaxBytes(limits.maxBytes);
  if (items.length === 0) {
    return [];
  }
  const framing = measureFraming(limits.action, limits.nonce);

  // Each item is serialised exactly once; its cost is its bytes plus the per-item framing.
  const groups = new Map<string, Group>();
  const groupOfItem: Group[] = [];
  for (const item of items) {
    const key = relatedGroupKey(item);
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, count: 0, bytes: 0, message: -1 };
      groups.set(key, group);
    }
    group.count += 1;
    group.bytes += utf8Bytes(writeItem(item, 'service')) + framing.perItem;
    groupOfItem.push(group);
  }

  // A message with items costs the envelope, the ItemList wrapper and its items.
  const emptyMessage = framing.envelope + framing.itemList;
  let message = -1;
  let count = 0;
  let bytes = 0;
  for (const group of groups.values()) {
    if (group.count > maxItems || emptyMessage + group.bytes > maxBytes) {
      throw tooLarge(group, maxItems, maxBytes, emptyMessage);
    }
    if (message === -1 || count + group.count > maxItems || bytes + group.bytes > maxBytes) {
      message += 1;
      count = 0;
      bytes = emptyMessage;
    }
    group.message = message;
    count += group.count;
    bytes += group.bytes;
  }

  const messages: WpiItem[][] = Array.from({ length: message + 1 }, () => []);
  items.forEach((item, position) => {
    messages[groupOfItem[position]!.message]!.push(item);
  });
  return messages;
}

interface Framing {
  /** Bytes of the message without any item (and without an ItemList). */
  readonly envelope: number;
  /** Bytes the ItemList wrapper adds once the message has items. */
  readonly itemList: number;
  /** Bytes each item adds beyond its own element (indentation, line break). */
  readonly perItem: number;
}

const PROBE: WpiItem = { name: 'probe', value: 'probe' };

/**
 * Derives the builder's layout from three tiny builds instead of restating it here, so a
 * change of indentation in `buildDlsMessage` cannot make the estimate wrong; the message size
 * is then exactly envelope + itemList + Σ(item + perItem). This also rejects a bad nonce or
 * action before any item is looked at.
 */
function measureFraming(action: WpiAction, nonce: string): Framing {
  const empty = utf8Bytes(buildDlsMessage({ nonce, action, items: [] }));
  const one = utf8Bytes(buildDlsMessage({ nonce, action, items: [PROBE] }));
  const two = utf8Bytes(buildDlsMessage({ nonce, action, items: [PROBE, PROBE] }));
  const probeCost = two - one;
  return {
    envelope: empty,
    itemList: one - empty - probeCost,
    perItem: probeCost - utf8Bytes(writeItem(PROBE, 'service')),
  };
}

function readMaxItems(maxItems: number): number {
  if (!Number.isSafeInteger(maxItems) || maxItems < -1) {
    throw new WpiSplitError('bad-limits', `maxItems ${String(maxItems)} is not -1 or a non-negative integer`);
  }
  return maxItems <= 0 ? Number.POSITIVE_INFINITY : maxItems;
}

function readMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) {
    return WPI_MAX_MESSAGE_BYTES;
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new WpiSplitError('bad-limits', `maxBytes ${String(maxBytes)} is not a positive integer`);
  }
  return maxBytes;
}

function tooLarge(group: Group, maxItems: number, maxBytes: number, emptyMessage: number): WpiSplitError {
  const itemCap = Number.isFinite(maxItems) ? `maxItems ${maxItems}` : 'no item cap';
  return new WpiSplitError(
    'group-too-large',
    `related group "${group.key}" (${group.count} items, ${emptyMessage + group.bytes} bytes as a message of its own) ` +
      `does not fit one message (${itemCap}, maxBytes ${maxBytes}) and must not be split (protocol.md §3.4)`,
    group.key,
  );
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
