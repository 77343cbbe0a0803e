import { isIP } from 'node:net';
import type { ContactMeCallback } from './contact-me.outcome';

/** A phone's `contact-me-uri`, checked and split into what `node:http` needs. */
export interface ContactMeTarget {
  readonly host: string;
  readonly port: number;
  /** Path and query exactly as the phone reported them (normalised by the URL parser). */
  readonly path: string;
}

export type ParsedContactMeTarget = { readonly ok: true; readonly target: ContactMeTarget } | { readonly ok: false; readonly reason: string };

/**
 * Accepts only what a phone reports as its `contact-me-uri`: a clear-text http: URL with a
 * path (protocol.md §2.5). No default path is guessed: a URL without one is more likely a
 * mistake than a phone, and a wrong guess would still cost the phone a request. The port is
 * not forced to 8085 because the phone's own URI is the authority on where it listens.
 */
export function parseContactMeTarget(target: string): ParsedContactMeTarget {
  if (typeof target !== 'string' || target.length === 0) return { ok: false, reason: 'empty target' };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:') return { ok: false, reason: `unsupported scheme ${url.protocol}` };
  // Credentials would have to be dropped or sent in the clear; neither is what the caller meant.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not supported' };
  if (url.hostname === '') return { ok: false, reason: 'no host' };
  if (url.pathname === '' || url.pathname === '/') return { ok: false, reason: 'no path' };
  const host = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  return { ok: true, target: { host, port: url.port === '' ? 80 : Number(url.port), path: `${url.pathname}${url.search}` } };
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
