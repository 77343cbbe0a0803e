import { WPI_ACTIONS, type DlsMessage, type WpiAction } from './wpi-types';
import { WpiParseError, excerpt } from './wpi-parse.error';
import { readItemList } from './wpi-item-list.reader';
import { attribute, readXmlDocument, singleChild, textContent } from './xml-document.reader';

const ACTIONS_BY_LOWER_CASE: ReadonlyMap<string, WpiAction> = new Map(
  WPI_ACTIONS.map((action) => [action.toLowerCase(), action]),
);

function readAction(message: unknown, root: unknown): WpiAction {
  const node = singleChild(message, 'Action', 'Message') ?? singleChild(root, 'Action', 'DLSMessage');
  const raw = textContent(node);
  if (raw === '') {
    throw new WpiParseError('missing-action', 'Message has no Action element or it is empty');
  }
  // PGX sent `Cleanup` and phones obeyed it; the simulator should be as forgiving as they are.
  const action = ACTIONS_BY_LOWER_CASE.get(raw.toLowerCase());
  if (action === undefined) {
    throw new WpiParseError('unknown-action', `Action ${excerpt(raw)} is not a WPI action`);
  }
  return action;
}

/**
 * Parses a service → phone `DLSMessage` (protocol.md §3.2) the way a phone evidently does:
 * root `DLSMessage` or `DlsMessage` (GS5, NODE), any or no namespace, and an `ItemList`
 * inside `Message` or, as PGX sends it, next to it. Always returns an `items` array.
 */
export function parseDlsMessage(xml: string | Buffer): DlsMessage {
  const { rootName, root } = readXmlDocument(xml);
  if (rootName.toLowerCase() !== 'dlsmessage') {
    throw new WpiParseError('wrong-root', `root element is <${rootName}>, expected <DLSMessage>`);
  }
  const message = singleChild(root, 'Message', 'DLSMessage');
  if (message === undefined) {
    throw new WpiParseError('missing-message', 'DLSMessage has no Message element');
  }
  const nonce = attribute(message, 'nonce');
  if (nonce === undefined || nonce === '') {
    throw new WpiParseError('missing-nonce', 'Message has no nonce attribute or it is empty');
  }
  const action = readAction(message, root);
  const inner = singleChild(message, 'ItemList', 'Message');
  const outer = singleChild(root, 'ItemList', 'DLSMessage');
  if (inner !== undefined && outer !== undefined) {
    throw new WpiParseError('duplicate-element', 'DLSMessage has an ItemList both inside and outside Message');
  }
  return { nonce, action, items: readItemList(inner ?? outer) };
}
