import { buildDlsMessage, type WpiParseErrorCode } from '@workpoint/wpi-codec';
import { type HttpReply, plain } from './http-reply';

/** How long a refused source is asked to wait; phones retry on their own schedule anyway. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Every refusal of the gateway's listeners (the phone edge and DCMP), with what its answer
 * needs. `refusalReply` gives each its one answer; a new code that it does not map fails to
 * compile. The answers are the protocol's contract with phones and are pinned byte for byte
 * (gateway.error.spec.ts, e2e/hostile.e2e-spec.ts).
 */
export type GatewayRefusal =
  /** A path the listener does not serve. */
  | { code: 'not-found' }
  /** Phones POST; DCMP pollers GET (or HEAD). */
  | { code: 'method-not-allowed'; allow: 'POST' | 'GET, HEAD' }
  /** A body over GATEWAY_MAX_BODY_BYTES, refused without buffering it; the connection is closed. */
  | { code: 'body-too-large'; limit: number }
  /** PER_SOURCE_MAX_CONCURRENT requests from this address are in flight. */
  | { code: 'source-busy'; limit: number }
  /** The parse workers' queue is full or a worker died: nothing was parsed, the phone asks again. */
  | { code: 'parser-busy' }
  /** Not WPI (or hostile): no nonce can be trusted, so no DLSMessage can answer it. */
  | { code: 'unparsable'; parseCode: WpiParseErrorCode; reason: string }
  /** A value over its limit: CleanUp before anything is kept or published. */
  | { code: 'value-too-long'; nonce: string; detail: string }
  /** Neither mac-addr, nor a valid cookie, nor a nonce this address opened: CleanUp. */
  | { code: 'unidentified'; nonce: string; why: string }
  /** A DCMP poll whose device-id is not a MAC address. */
  | { code: 'bad-device-id' }
  /** The HTTP framework refused the request itself (DCMP: a bad URL, a body it would not take). */
  | { code: 'bad-request'; status: number; message: string }
  /** Readiness probe while the gateway cannot reach its bus. */
  | { code: 'not-ready' }
  /** A bug: nothing else is said. */
  | { code: 'internal' };

export type GatewayErrorCode = GatewayRefusal['code'];

/** Transient: the same request is served once the gateway copes again. Permanent: it is refused again as sent. */
export type GatewayErrorKind = 'transient' | 'permanent';

/** The gateway's coded error, for refusals decided away from the edge (e.g. in the parser); the edge answers it with `refusalReply`. */
export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;

  constructor(
    readonly refusal: GatewayRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
    this.kind = refusalKind(refusal.code);
  }

  get code(): GatewayErrorCode {
    return this.refusal.code;
  }
}

export function refusalKind(code: GatewayErrorCode): GatewayErrorKind {
  switch (code) {
    case 'source-busy':
    case 'parser-busy':
    case 'not-ready':
    case 'internal':
      return 'transient';
    case 'not-found':
    case 'method-not-allowed':
    case 'body-too-large':
    case 'unparsable':
    case 'value-too-long':
    case 'unidentified':
    case 'bad-device-id':
    case 'bad-request':
      return 'permanent';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped gateway error code ${String(unmapped)}`);
    }
  }
}

/** The one answer of each refusal: HTTP status and plain text, or a DLSMessage CleanUp where a phone can take one. */
export function refusalReply(refusal: GatewayRefusal): HttpReply {
  switch (refusal.code) {
    case 'not-found':
      return plain(404, 'not found\n');
    case 'method-not-allowed':
      return plain(405, refusal.allow === 'POST' ? 'only POST\n' : 'only GET\n', { Allow: refusal.allow });
    case 'body-too-large':
      return plain(413, `body exceeds ${refusal.limit} bytes\n`, { Connection: 'close' });
    case 'source-busy':
      return plain(503, `busy: ${refusal.limit} requests from this address are in flight; retry later\n`, {
        'Retry-After': String(BUSY_RETRY_AFTER_SECONDS),
        Connection: 'close',
      });
    case 'parser-busy':
      // Nothing parsed, so no nonce to echo in a CleanUp (overload): a plain 503 the phone retries.
      return plain(503, 'busy: too many large messages are being parsed; retry later\n', { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) });
    case 'unparsable':
      return plain(400, `${refusal.parseCode}: ${refusal.reason}\n`);
    case 'value-too-long':
      return cleanUp(refusal.nonce, refusal.detail);
    case 'unidentified':
      return cleanUp(refusal.nonce, refusal.why);
    case 'bad-device-id':
      return plain(400, 'device-id must be the MAC address of the phone\n');
    case 'bad-request':
      return plain(refusal.status, `${refusal.message}\n`);
    case 'not-ready':
      return plain(503, 'not ready\n');
    case 'internal':
      return plain(500, 'internal error\n');
    default: {
      const unmapped: never = refusal;
      throw new Error(`unmapped gateway refusal ${JSON.stringify(unmapped)}`);
    }
  }
}

/** A CleanUp to a phone that is not identified: no session cookie is set or cleared. */
function cleanUp(nonce: string, comment: string): HttpReply {
  const body = buildDlsMessage({ nonce, action: 'CleanUp', items: [] }, comment ? { comment } : undefined);
  return { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body };
}
