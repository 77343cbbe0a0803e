import { WPI_ACTIONS, type DlsMessage } from './wpi-types';
import { WpiBuildError } from './wpi-build.error';
import { writeItem } from './wpi-item.writer';
import { ROOT_NAMESPACE_ATTRIBUTES } from './wpi-xml.constants';
import { escapeXml, isCleanIdentifier, xmlComment } from './xml-escape.util';

export interface BuildDlsMessageOptions {
  /** Human-readable reason written as an XML comment (GS3 does this for every CleanUp it forces). */
  comment?: string;
}

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(WPI_ACTIONS);

/**
 * Canonical service → phone message (protocol.md §3.2): declaration, root `DLSMessage` with
 * the guide's namespace attributes, `Action` then `ItemList`, both inside `Message`.
 * Phones tolerate much less canonical input (§3.2, [B]), but whether every firmware does is
 * open (§9.2), so we never rely on it. The nonce is echoed exactly as the phone sent it.
 * Item `status` is not written: it only exists in phone → service messages.
 */
export function buildDlsMessage(msg: DlsMessage, opts?: BuildDlsMessageOptions): string {
  if (typeof msg.nonce !== 'string' || !isCleanIdentifier(msg.nonce)) {
    throw new WpiBuildError('bad-nonce', `nonce ${JSON.stringify(msg.nonce)} is empty or contains control characters`);
  }
  if (!KNOWN_ACTIONS.has(msg.action)) {
    throw new WpiBuildError('bad-action', `"${String(msg.action)}" is not a WPI action`);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (opts?.comment !== undefined) {
    lines.push(xmlComment(opts.comment));
  }
  lines.push(
    `<DLSMessage ${ROOT_NAMESPACE_ATTRIBUTES}>`,
    `  <Message nonce="${escapeXml(msg.nonce)}">`,
    `    <Action>${msg.action}</Action>`,
  );
  const items = msg.items ?? [];
  if (items.length > 0) {
    lines.push('    <ItemList>');
    for (const item of items) {
      lines.push(`      ${writeItem(item, 'service')}`);
    }
    lines.push('    </ItemList>');
  }
  lines.push('  </Message>', '</DLSMessage>');
  return lines.join('\n');
}
