import { isIP } from 'node:net';
import type { ContactMeCallback } from './contact-me.outcome';

/** A phone's `contact-me-uri`, checked and split into what `node:http` needs. */
export interface ContactMeTarget {
  /** An IP literal (IPv6 without brackets), as the URL parser normalised it. */
  readonly host: string;
  readonly port: number;
  /** Path and query as the phone reported them (normalised by the URL parser), or the default path. */
  readonly path: string;
  /** The whole target in its normalised form (default path filled in): what inventory stores and sends to. */
  readonly uri: string;
}

export type ParsedContactMeTarget = { readonly ok: true; readonly target: ContactMeTarget } | { readonly ok: false; readonly reason: string };

/** The phone's documented contact-me listener path (protocol.md §2.5), used when a URI has none. */
export const DEFAULT_CONTACT_ME_PATH = '/contact_dls.html/ContactDLS';
/** The longest `contact-me-uri` inventory keeps (its column); a longer one is refused, not cut. */
export const MAX_CONTACT_ME_URI_LENGTH = 255;

/**
 * Accepts only what a phone reports as its `contact-me-uri`: a clear-text http: URL whose host
 * is an IP literal (protocol.md §2.5). A URI without a path (or only `/`) gets the phone's
 * documented path. Host names are refused: resolving one would let whoever controls its DNS
 * point the request anywhere between the check and the connect (rebinding). The port is not
 * forced to 8085 because the phone's own URI is the authority on where it listens.
 *
 * The reasons never repeat the URI (a phone may put anything in it); they name at most the
 * parsed IP address, so they stay short and safe to log, store and publish.
 */
export function parseContactMeTarget(target: string): ParsedContactMeTarget {
  if (typeof target !== 'string' || target.length === 0) return { ok: false, reason: 'empty target' };
  if (target.length > MAX_CONTACT_ME_URI_LENGTH) return { ok: false, reason: `longer than ${MAX_CONTACT_ME_URI_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:') return { ok: false, reason: url.protocol.length <= 16 ? `unsupported scheme ${url.protocol}` : 'unsupported scheme' };
  // Credentials would have to be dropped or sent in the clear; neither is what the caller meant.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not supported' };
  if (url.hostname === '') return { ok: false, reason: 'no host' };
  const host = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) === 0) return { ok: false, reason: 'host name, not an IP address' };
  const path = url.pathname === '' || url.pathname === '/' ? DEFAULT_CONTACT_ME_PATH : url.pathname;
  const uri = `http://${url.host}${path}${url.search}`;
  if (uri.length > MAX_CONTACT_ME_URI_LENGTH) return { ok: false, reason: `longer than ${MAX_CONTACT_ME_URI_LENGTH} characters` };
  return { ok: true, target: { host, port: url.port === '' ? 80 : Number(url.port), path: `${path}${url.search}`, uri } };
}

/**
 * The form body of the request. `ContactMe=true` always; the call-back address only when
 * given, because without it the phone uses its configured provisioning address (§2.5).
 */
export function contactMeBody(callback?: ContactMeCallback): string {
  const form = new URLSearchParams({ ContactMe: 'true' });
  if (callback !== undefined) {
    assertCallback(callback);
    form.append('dls_ip_addr', callback.host);
    form.append('dls_ip_port', String(callback.port));
  }
  return form.toString();
}

/**
 * A bad call-back address is a configuration bug, not a property of one phone, so it throws
 * instead of becoming an outcome. Host names are allowed although the parameter is called
 * `dls_ip_addr`: whether phones resolve names is unknown (§9 Q12), and an operator may know.
 */
export function assertCallback(callback: ContactMeCallback): void {
  const { host, port } = callback;
  if (typeof host !== 'string' || (isIP(host) === 0 && !/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host))) {
    throw new RangeError(`contact-me callback host must be an IP address or host name, got ${JSON.stringify(host)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`contact-me callback port must be an integer in 1..65535, got ${String(port)}`);
  }
}
