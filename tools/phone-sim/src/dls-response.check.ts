import { parseDlsMessage, type DlsMessage } from '@workpoint/wpi-codec';
import type { ExchangeRecord } from './interaction-result.types';
import { errorText } from './error-text.util';
import type { PostReply } from './wpi-http.transport';

/**
 * Records every deviation from what a phone can rely on (protocol.md §2.2, §3.3) and returns
 * the parsed message when the phone can still act on it. Lenient like a phone: a wrong
 * content type or nonce is recorded but the action is still followed.
 */
export function checkResponse(reply: PostReply, nonce: string, record: ExchangeRecord): DlsMessage | undefined {
  record.httpStatus = reply.status;
  record.responseBytes = reply.bodyBytes;
  const contentType = reply.headers['content-type'];
  record.contentType = contentType;
  const transferEncoding = reply.headers['transfer-encoding'];
  record.chunked = transferEncoding !== undefined && /chunked/i.test(transferEncoding);
  const contentLength = reply.headers['content-length'];
  if (contentLength !== undefined) record.contentLength = Number(contentLength);

  if (reply.status !== 200) {
    record.errors.push(`HTTP ${reply.status}`);
    return undefined;
  }
  if (contentType === undefined || !/^text\/xml\s*(;|$)/i.test(contentType)) {
    record.errors.push(`content type ${contentType ?? '(none)'} instead of text/xml`);
  }
  if (record.chunked) record.errors.push('chunked transfer encoding');
  if (record.contentLength === undefined) record.errors.push('no Content-Length');
  else if (record.contentLength !== reply.bodyBytes) {
    record.errors.push(`Content-Length ${record.contentLength} but ${reply.bodyBytes} bytes received`);
  }
  let dls: DlsMessage;
  try {
    dls = parseDlsMessage(reply.body);
  } catch (error) {
    record.errors.push(`unparseable DLSMessage: ${errorText(error)}`);
    return undefined;
  }
  record.action = dls.action;
  record.nonceEchoed = dls.nonce === nonce;
  if (!record.nonceEchoed) record.errors.push(`nonce ${dls.nonce} instead of ${nonce}`);
  return dls;
}
