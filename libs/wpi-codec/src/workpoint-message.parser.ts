import { detachedCopy } from './detached-copy.util';
import type { WpiScanLimits } from './message-scan';
import type { WorkpointMessage } from './wpi-types';
import { WpiParseError, excerpt } from './wpi-parse.error';
import { readItemList } from './wpi-item-list.reader';
import { attribute, readXmlDocument, singleChild, textContent } from './xml-document.reader';

const INTEGER = /^-?[0-9]+$/;

/** The contract's limit (PhoneMessageSchema); real phones send 32 hex characters (protocol.md §3.1). */
export const MAX_NONCE_LENGTH = 128;
// Printable ASCII without space: every nonce seen is hex, and the reply must echo it verbatim.
const NONCE_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The nonce as a flat copy (the gateway keeps it in its nonce view), after checking what no
 * phone sends: an over-long nonce or one with a control or non-ASCII character could not be
 * echoed safely. The refusal never quotes the nonce: it is attacker-chosen text.
 */
function readNonce(raw: string | undefined): string {
  if (raw === undefined || raw === '') {
    throw new WpiParseError('missing-nonce', 'Message has no nonce attribute or it is empty');
  }
  if (raw.length > MAX_NONCE_LENGTH) {
    throw new WpiParseError('bad-nonce', `nonce is ${raw.length} characters long, limit ${MAX_NONCE_LENGTH}`);
  }
  if (!NONCE_CHARACTERS.test(raw)) {
    throw new WpiParseError('bad-nonce', 'nonce contains a character outside printable ASCII (0x21-0x7E)');
  }
  return detachedCopy(raw);
}

function readMaxItems(raw: string | undefined): number {
  // Absent (or empty) means "no limit": every trace shows -1 and many messages omit it.
  if (raw === undefined || raw === '') {
    return -1;
  }
  const maxItems = INTEGER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(maxItems) || maxItems < -1) {
    throw new WpiParseError('bad-attribute', `Message has maxItems ${excerpt(raw)}, expected -1 or a non-negative integer`);
  }
  return maxItems;
}

function readFragment(raw: string | undefined): WorkpointMessage['fragment'] {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const fragment = raw.toLowerCase();
  if (fragment !== 'next' && fragment !== 'final') {
    // Guessing would either drop the rest of a reply or wait for a fragment that never comes.
    throw new WpiParseError('bad-attribute', `Message has fragment ${excerpt(raw)}, expected "next" or "final"`);
  }
  return fragment;
}

function readReplyTo(reasonNode: unknown): NonNullable<WorkpointMessage['replyTo']> {
  const action = attribute(reasonNode, 'action');
  if (action === undefined || action === '') {
    throw new WpiParseError('bad-attribute', 'ReasonForContact "reply-to" has no action attribute');
  }
  // GS3 treats a reply without status as accepted; SIM writes `Accepted`, phones lower case.
  const status = attribute(reasonNode, 'status') || 'accepted';
  return { action, status: status.toLowerCase() };
}

/**
 * Parses a phone → service `WorkpointMessage` (protocol.md §3.1) as leniently as the
 * firmware zoo requires (Appendix A.2), but refuses anything that would leave the service
 * guessing: no nonce, no reason, ambiguous duplicates, DTDs.
 */
export function parseWorkpointMessage(xml: string | Buffer, limits?: WpiScanLimits): WorkpointMessage {
  const { rootName, root } = readXmlDocument(xml, limits);
  if (rootName !== 'WorkpointMessage') {
    throw new WpiParseError('wrong-root', `root element is <${rootName}>, expected <WorkpointMessage>`);
  }
  const message = singleChild(root, 'Message', 'WorkpointMessage');
  if (message === undefined) {
    throw new WpiParseError('missing-message', 'WorkpointMessage has no Message element');
  }
  const nonce = readNonce(attribute(message, 'nonce'));
  const maxItems = readMaxItems(attribute(message, 'maxItems'));
  const fragment = readFragment(attribute(message, 'fragment'));
  const reasonNode = singleChild(message, 'ReasonForContact', 'Message');
  if (reasonNode === undefined) {
    throw new WpiParseError('missing-reason', 'Message has no ReasonForContact element');
  }
  const reason = textContent(reasonNode);
  if (reason === '') {
    throw new WpiParseError('missing-reason', 'ReasonForContact is empty');
  }
  const replyTo = reason === 'reply-to' ? readReplyTo(reasonNode) : undefined;
  const items = readItemList(singleChild(message, 'ItemList', 'Message'));

  return {
    nonce,
    maxItems,
    ...(fragment !== undefined ? { fragment } : {}),
    reason,
    ...(replyTo !== undefined ? { replyTo } : {}),
    items,
  };
}
