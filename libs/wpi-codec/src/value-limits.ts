import { ITEM_TYPES } from './item-types';
import type { WorkpointMessage } from './wpi-types';

/**
 * Bounds on what a parsed phone message may carry before the gateway publishes it. Each is
 * at most the column or contract field the value ends up in, so a message that passes can
 * always be stored: an over-long value would otherwise fail the insert and be retried and
 * dead-lettered, with the phone answered "inventory failed" forever.
 */
export const MAX_ITEM_NAME_LENGTH = 64;
/** Every catalogue name matches it (374 items, longest 42 characters). */
const ITEM_NAME = /^[A-Za-z0-9._-]+$/;
/** Highest index documented is 4003 (fixed feature keys, protocol.md §7.5); 16 bits leaves room. */
export const MAX_ITEM_INDEX = 65_535;
/** Item status: PhoneMessageSchema and the job-outcome events allow 64. */
export const MAX_ITEM_STATUS_LENGTH = 64;
/** ReasonForContact: `phone.last_reason` is varchar(64). */
export const MAX_REASON_LENGTH = 64;
/** reply-to action and status: `reply_fragment.action` is varchar(32), PhoneMessageSchema's status 32. */
export const MAX_REPLY_TO_LENGTH = 32;

/**
 * Overall cap for a value the catalogue gives no maxLength (MAX_ITEM_VALUE_CHARS). The longest
 * values a phone reports are mobility `userdata-*` blobs, base64 in indexed chunks whose size
 * `dls-chunk-size` sets (GS3 writes 5492, GS5 9492), and PEM certificate info (a few kB);
 * ReadAllItems leaves certificates out (protocol.md §5), LDAP templates travel as files.
 */
export const DEFAULT_MAX_ITEM_VALUE_CHARS = 16_384;

/** Items inventory copies into varchar columns (libs/inventory migrations), where the catalogue is silent or larger. */
const STORED_ITEM_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['device-type', 128],
  ['software-version', 64],
  ['e164', 64],
  ['contact-me-uri', 255],
]);

/**
 * Longest value `name` may have: the catalogue's maxLength, the column it is stored in, and
 * `maxValueChars` (the overall cap for items that have neither), whichever is smallest.
 */
export function itemValueLimit(name: string, maxValueChars: number): number {
  const facts = ITEM_TYPES.get(name)?.maxLength;
  const stored = STORED_ITEM_LENGTHS.get(name);
  return Math.min(maxValueChars, facts ?? maxValueChars, stored ?? maxValueChars);
}

/**
 * The first value of `message` over its limit, as the text of the refusal (`value-too-long: …`);
 * undefined when everything fits. The text names the item and the limit, never the value, and
 * names an item by position when its name is itself the problem. Lengths are UTF-16 units,
 * never fewer than the characters PostgreSQL counts.
 */
export function valueLimitBreach(message: WorkpointMessage, maxValueChars: number): string | undefined {
  if (message.reason.length > MAX_REASON_LENGTH) return breach(`ReasonForContact is ${message.reason.length} characters, limit ${MAX_REASON_LENGTH}`);
  if (message.replyTo && message.replyTo.action.length > MAX_REPLY_TO_LENGTH) {
    return breach(`reply-to action is ${message.replyTo.action.length} characters, limit ${MAX_REPLY_TO_LENGTH}`);
  }
  if (message.replyTo && message.replyTo.status.length > MAX_REPLY_TO_LENGTH) {
    return breach(`reply-to status is ${message.replyTo.status.length} characters, limit ${MAX_REPLY_TO_LENGTH}`);
  }
  for (const [offset, item] of message.items.entries()) {
    if (item.name.length > MAX_ITEM_NAME_LENGTH || !ITEM_NAME.test(item.name)) {
      return breach(`item #${offset + 1} has a name of ${item.name.length} characters; limit ${MAX_ITEM_NAME_LENGTH} of [A-Za-z0-9._-]`);
    }
    if (item.index !== undefined && item.index > MAX_ITEM_INDEX) return breach(`item "${item.name}" has index ${item.index}, limit ${MAX_ITEM_INDEX}`);
    if (item.status !== undefined && item.status.length > MAX_ITEM_STATUS_LENGTH) {
      return breach(`item "${item.name}" has a status of ${item.status.length} characters, limit ${MAX_ITEM_STATUS_LENGTH}`);
    }
    const limit = itemValueLimit(item.name, maxValueChars);
    if (item.value !== null && item.value.length > limit) return breach(`item "${item.name}" value is ${item.value.length} characters, limit ${limit}`);
  }
  return undefined;
}

function breach(what: string): string {
  return `value-too-long: ${what}`;
}
