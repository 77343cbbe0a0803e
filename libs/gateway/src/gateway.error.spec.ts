import { GatewayError, type GatewayErrorKind, type GatewayRefusal, refusalKind, refusalReply } from './gateway.error';
import type { HttpReply } from './http-reply';

const text = { 'Content-Type': 'text/plain; charset=utf-8' };
const xml = { 'Content-Type': 'text/xml; charset=utf-8' };
const cleanUp = (nonce: string, comment: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${comment} -->\n<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">\n  <Message nonce="${nonce}">\n    <Action>CleanUp</Action>\n  </Message>\n</DLSMessage>`;

/** Every refusal and its answer, byte for byte as the listeners gave them before the codes were gathered here. */
const table: Array<[GatewayRefusal, GatewayErrorKind, HttpReply]> = [
  [{ code: 'not-found' }, 'permanent', { status: 404, headers: text, body: 'not found\n' }],
  [{ code: 'method-not-allowed', allow: 'POST' }, 'permanent', { status: 405, headers: { ...text, Allow: 'POST' }, body: 'only POST\n' }],
  [{ code: 'method-not-allowed', allow: 'GET, HEAD' }, 'permanent', { status: 405, headers: { ...text, Allow: 'GET, HEAD' }, body: 'only GET\n' }],
  [{ code: 'body-too-large', limit: 65536 }, 'permanent', { status: 413, headers: { ...text, Connection: 'close' }, body: 'body exceeds 65536 bytes\n' }],
  [
    { code: 'source-busy', limit: 8 },
    'transient',
    { status: 503, headers: { ...text, 'Retry-After': '5', Connection: 'close' }, body: 'busy: 8 requests from this address are in flight; retry later\n' },
  ],
  [{ code: 'parser-busy' }, 'transient', { status: 503, headers: { ...text, 'Retry-After': '5' }, body: 'busy: too many large messages are being parsed; retry later\n' }],
  [
    { code: 'unparsable', parseCode: 'bad-nonce', reason: 'nonce is 300 characters long, limit 256' },
    'permanent',
    { status: 400, headers: text, body: 'bad-nonce: nonce is 300 characters long, limit 256\n' },
  ],
  [{ code: 'value-too-long', nonce: 'N1', detail: 'value-too-long: e164' }, 'permanent', { status: 200, headers: xml, body: cleanUp('N1', 'value-too-long: e164') }],
  [{ code: 'unidentified', nonce: 'N2', why: 'no mac-addr and no valid session cookie' }, 'permanent', { status: 200, headers: xml, body: cleanUp('N2', 'no mac-addr and no valid session cookie') }],
  [{ code: 'bad-device-id' }, 'permanent', { status: 400, headers: text, body: 'device-id must be the MAC address of the phone\n' }],
  [{ code: 'bad-request', status: 400, message: 'Bad Request' }, 'permanent', { status: 400, headers: text, body: 'Bad Request\n' }],
  [{ code: 'not-ready' }, 'transient', { status: 503, headers: text, body: 'not ready\n' }],
  [{ code: 'internal' }, 'transient', { status: 500, headers: text, body: 'internal error\n' }],
];

describe('gateway refusals', () => {
  it.each(table)('%j is %s and answered exactly so', (refusal, kind, reply) => {
    expect(refusalKind(refusal.code)).toBe(kind);
    expect(refusalReply(refusal)).toEqual(reply);
  });

  it('carries its refusal, code and kind on the coded error', () => {
    const error = new GatewayError({ code: 'parser-busy' }, 'queue full');
    expect([error.code, error.kind, error.message, error.name]).toEqual(['parser-busy', 'transient', 'queue full', 'GatewayError']);
  });
});
