import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { buildWorkpointMessage, type DlsMessage, parseDlsMessage, type WorkpointMessage, type WpiItem } from '@workpoint/wpi-codec';
import { rawHttps, type RawResponse } from '@workpoint/testing';

/**
 * The hostile e2e suite's clients: a hand-driven phone (any nonce, cookie or source address it
 * likes) and requests that stay in flight because their body never finishes. Every address used is on loopback (127.0.0.0/8).
 */

export const nonce = (): string => randomBytes(16).toString('hex').toUpperCase();

export interface PhoneAnswer extends RawResponse {
  /** The DLSMessage, when the answer was one (HTTP 200). */
  dls?: DlsMessage;
}

/** `JSESSIONID=<value>` of a Set-Cookie header that sets one (not one that clears it). */
function cookieOf(setCookie: string | string[] | undefined): string | undefined {
  const values = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const value of values) {
    const pair = value.split(';')[0]!;
    if (/^JSESSIONID=.+/.test(pair)) return pair;
  }
  return undefined;
}

/** A phone driven message by message, remembering the cookie and nonce it was last given. */
export class RawPhone {
  cookie: string | undefined;
  nonce = nonce();

  constructor(
    readonly url: string,
    readonly mac: string,
    readonly localAddress?: string,
  ) {}

  async send(
    message: Partial<WorkpointMessage> & { reason: string },
    opts: { withMac?: boolean; cookie?: string | null; url?: string; localAddress?: string } = {},
  ): Promise<PhoneAnswer> {
    const items: WpiItem[] = [...(opts.withMac === false ? [] : [{ name: 'mac-addr', value: this.mac }]), ...(message.items ?? [])];
    const body = buildWorkpointMessage({ nonce: this.nonce, maxItems: -1, ...message, items });
    const cookie = opts.cookie === null ? undefined : (opts.cookie ?? this.cookie);
    const localAddress = opts.localAddress ?? this.localAddress;
    const answer: PhoneAnswer = await rawHttps(opts.url ?? this.url, {
      body,
      headers: cookie ? { Cookie: cookie } : {},
      ...(localAddress ? { localAddress } : {}),
    });
    this.cookie = cookieOf(answer.headers['set-cookie']) ?? this.cookie;
    if (answer.status === 200) answer.dls = parseDlsMessage(answer.body);
    return answer;
  }

  /** A start-up with these items; a fresh nonce, as a rebooted phone has. */
  startUp(items: WpiItem[]): Promise<PhoneAnswer> {
    this.nonce = nonce();
    this.cookie = undefined;
    return this.send({ reason: 'start-up', items });
  }

  /** The reply to ReadAllItems, in one final part. */
  readAllReply(items: WpiItem[], opts: Parameters<RawPhone['send']>[1] = {}): Promise<PhoneAnswer> {
    return this.send({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items }, opts);
  }
}

/** What a start-up reports besides mac-addr. */
export function reportedItems(overrides: Record<string, string> = {}): WpiItem[] {
  const values: Record<string, string> = {
    'device-type': 'OpenStage 60',
    'software-type': 'Siemens SIP',
    'software-version': 'V3 R5.12.0',
    e164: `4989${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`,
    ...overrides,
  };
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/**
 * A phone request whose headers arrive but whose body never finishes: it stays in flight at
 * the gateway until `release()` (which closes the connection). Resolves once the headers and
 * the first bytes of the body are written.
 */
export async function stalledRequest(url: string, localAddress: string): Promise<{ release(): void }> {
  const req = httpsRequest(url, {
    method: 'POST',
    rejectUnauthorized: false,
    agent: false,
    localAddress,
    headers: { 'Content-Type': 'text/xml', 'Content-Length': '100000' },
  });
  req.on('error', () => undefined);
  req.on('response', (res) => res.resume());
  let socket: Socket | undefined;
  await new Promise<void>((resolve) => {
    req.on('socket', (s: Socket) => {
      socket = s;
      s.once('secureConnect', () => resolve());
    });
  });
  await new Promise<void>((resolve) => req.write('<?xml version="1.0"?><WorkpointMessage', () => resolve()));
  return {
    release() {
      req.destroy();
      socket?.destroy();
    },
  };
}
