import type { WorkpointMessage } from './wpi-types';
import { WpiBuildError } from './wpi-build.error';
import { writeItem } from './wpi-item.writer';
import { ROOT_NAMESPACE_ATTRIBUTES } from './wpi-xml.constants';
import { escapeXml, hasIllegalXmlChar, isCleanIdentifier } from './xml-escape.util';

function assertValid(msg: WorkpointMessage): void {
  if (typeof msg.nonce !== 'string' || !isCleanIdentifier(msg.nonce)) {
    throw new WpiBuildError('bad-nonce', `nonce ${JSON.stringify(msg.nonce)} is empty or contains control characters`);
  }
  if (!Number.isSafeInteger(msg.maxItems) || msg.maxItems < -1) {
    throw new WpiBuildError('bad-max-items', `maxItems ${String(msg.maxItems)} is not -1 or a non-negative integer`);
  }
  if (msg.fragment !== undefined && msg.fragment !== 'next' && msg.fragment !== 'final') {
    throw new WpiBuildError('bad-fragment', `fragment "${String(msg.fragment)}" is not "next" or "final"`);
  }
  if (typeof msg.reason !== 'string' || msg.reason.trim() === '' || hasIllegalXmlChar(msg.reason)) {
    throw new WpiBuildError('bad-reason', 'ReasonForContact is empty or contains characters XML cannot carry');
  }
  if (msg.replyTo !== undefined && !(isCleanIdentifier(msg.replyTo.action) && isCleanIdentifier(msg.replyTo.status))) {
    throw new WpiBuildError('bad-reason', 'reply-to action and status must be non-empty and free of control characters');
  }
}

/**
 * The phone's side of the conversation, written the way firmware writes it (protocol.md §3.1,
 * §3.5): lower-case `utf-8` declaration (PG trace), `maxItems` always, `fragment` only when
 * set. Used by the phone simulator and tests, never by the service itself.
 */
export function buildWorkpointMessage(msg: WorkpointMessage): string {
  assertValid(msg);
  const fragment = msg.fragment === undefined ? '' : ` fragment="${msg.fragment}"`;
  const replyTo =
    msg.replyTo === undefined
      ? ''
      : ` action="${escapeXml(msg.replyTo.action)}" status="${escapeXml(msg.replyTo.status)}"`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<WorkpointMessage ${ROOT_NAMESPACE_ATTRIBUTES}>`,
    `  <Message nonce="${escapeXml(msg.nonce)}" maxItems="${msg.maxItems}"${fragment}>`,
    `    <ReasonForContact${replyTo}>${escapeXml(msg.reason)}</ReasonForContact>`,
  ];
  if (msg.items.length > 0) {
    lines.push('    <ItemList>');
    for (const item of msg.items) {
      lines.push(`      ${writeItem(item, 'phone')}`);
    }
    lines.push('    </ItemList>');
  } else if (msg.replyTo?.status !== 'busy') {
    // A busy reply has no ItemList at all (G p.46, §6.11); an all-OK WriteItems reply has an
    // empty one (G p.48).
    lines.push('    <ItemList/>');
  }
  lines.push('  </Message>', '</WorkpointMessage>');
  return lines.join('\n');
}
