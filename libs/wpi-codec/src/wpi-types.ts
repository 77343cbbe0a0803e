/**
 * Typed view of the WPI messages exchanged with OpenStage / OpenScape Desk Phone phones.
 * Only the gateway parses XML; everything behind it sees these types (or the event
 * contracts built from them).
 */

/** Reasons for contact a phone may send (protocol.md §4.1). Unknown values are kept verbatim. */
export const KNOWN_REASONS = [
  'start-up',
  'local-changes',
  'inventory-changes',
  'status',
  'solicited',
  'reply-to',
  'clean-up',
] as const;
export type KnownReason = (typeof KNOWN_REASONS)[number];

/** Actions the service may send (protocol.md §5), spelled exactly as the guide does. */
export const WPI_ACTIONS = [
  'ReadAllItems',
  'ReadItems',
  'WriteItems',
  'Restart',
  'FileDeployment',
  'SoftwareDeployment',
  'CleanUp',
  'GetNextFragment',
] as const;
export type WpiAction = (typeof WPI_ACTIONS)[number];

/** Overall status of a reply-to (protocol.md §4.2). */
export const REPLY_STATUSES = ['accepted', 'failed', 'busy'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

/** Per-item status values a phone may attach (protocol.md §4.3). Unknown values are kept verbatim. */
export const ITEM_STATUSES = [
  'failed',
  'unknown item',
  'read only',
  'invalid index',
  'unexpected item',
  'not supported',
  'invalid data',
  'undefined status',
] as const;

export interface WpiItem {
  name: string;
  /** Instance number of a multi-valued item; absent for plain items. */
  index?: number;
  /** Text content, trimmed; null when the element is empty. */
  value: string | null;
  /** Item status as the phone sent it (only in phone → service messages). */
  status?: string;
}

/** A parsed phone → service message (`WorkpointMessage`). */
export interface WorkpointMessage {
  nonce: string;
  /** -1 = unlimited (also when the attribute is missing). */
  maxItems: number;
  /** `next` / `final`; absent when the phone did not send it. */
  fragment?: 'next' | 'final';
  /** Trimmed text of ReasonForContact; may be a value not in KNOWN_REASONS. */
  reason: string;
  /** Present when reason is `reply-to`: the answered action and the phone's status (lower-cased). */
  replyTo?: { action: string; status: string };
  items: WpiItem[];
}

/** A service → phone message (`DLSMessage`). */
export interface DlsMessage {
  nonce: string;
  action: WpiAction;
  items?: WpiItem[];
}
