import { randomUUID } from 'node:crypto';
import { ContactReceivedTopic, type ContactEvent, HEADERS } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import {
  buildDlsMessage,
  itemValue,
  normaliseMac,
  parseWorkpointMessage,
  type WorkpointMessage,
  WpiParseError,
  type WpiAction,
  type WpiItem,
} from '@workpoint/wpi-codec';
import type { ResponseWaiter } from './response-waiter';
import type { SessionClaims, SessionCookies } from './session-cookie';

export interface PhoneRequest {
  body: Buffer;
  cookieHeader: string | undefined;
  remoteAddress: string;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PhoneRequestHandlerOptions {
  gatewayId: string;
  answerTimeoutMs: number;
}

/** Actions after which the phone's interaction is over, so the session cookie is cleared. */
const ENDS_INTERACTION: ReadonlySet<WpiAction> = new Set(['CleanUp', 'Restart']);

/**
 * One phone request, from bytes to bytes: parse once, identify the phone, publish the contact
 * keyed by MAC, wait for the services' answer on this instance's response topic, and build
 * the canonical DLSMessage. Every failure has a defined answer (see ARCHITECTURE.md).
 */
export class PhoneRequestHandler {
  constructor(
    private readonly bus: Bus,
    private readonly waiter: ResponseWaiter,
    private readonly sessions: SessionCookies,
    private readonly logger: Logger,
    private readonly options: PhoneRequestHandlerOptions,
  ) {}

  async handle(req: PhoneRequest): Promise<HttpReply> {
    let message: WorkpointMessage;
    try {
      message = parseWorkpointMessage(req.body);
    } catch (error) {
      if (!(error instanceof WpiParseError)) throw error;
      // No nonce can be trusted from a message that did not parse, so no DLSMessage can
      // answer it: this is not a phone speaking WPI, and it gets a plain 400.
      this.logger.warn('rejected unparsable phone message', { remoteAddress: req.remoteAddress, code: error.code, error: error.message });
      return plain(400, `${error.code}: ${error.message}\n`);
    }

    const identity = this.identify(message, req.cookieHeader);
    if (identity.kind === 'unknown') {
      this.logger.warn('phone message without identity answered with CleanUp', {
        remoteAddress: req.remoteAddress,
        reason: message.reason,
        why: identity.why,
      });
      return this.dls(message.nonce, 'CleanUp', [], undefined, identity.why);
    }

    const contact: ContactEvent = {
      contactId: randomUUID(),
      interactionId: identity.claims.interactionId,
      gatewayId: this.options.gatewayId,
      mac: identity.claims.mac,
      remoteAddress: req.remoteAddress,
      receivedAt: new Date().toISOString(),
      answerBy: new Date(Date.now() + this.options.answerTimeoutMs).toISOString(),
      message,
    };
    const log = this.logger.child({ mac: contact.mac, correlationId: contact.interactionId, contactId: contact.contactId });
    log.debug('phone message received', { reason: message.reason, replyTo: message.replyTo, items: message.items.length });

    const outcome = this.waiter.wait(contact.contactId, this.options.answerTimeoutMs);
    try {
      await this.bus.publish(ContactReceivedTopic, contact.mac, contact, {
        [HEADERS.correlationId]: contact.interactionId,
        [HEADERS.causationId]: contact.contactId,
      });
    } catch (error) {
      this.waiter.cancel(contact.contactId);
      log.error('could not publish the contact; answering CleanUp (overload)', { error: String(error) });
      return this.overload(message.nonce, identity.claims);
    }

    const result = await outcome;
    if (result.kind === 'timeout') {
      log.warn('no answer from the services in time; answering CleanUp (overload)', { timeoutMs: this.options.answerTimeoutMs });
      return this.overload(message.nonce, identity.claims);
    }
    const { response } = result;
    log.debug('answering phone', { action: response.action, respondedBy: response.respondedBy, items: response.items.length });
    return this.dls(message.nonce, response.action, response.items, identity.claims, response.note);
  }

  private identify(message: WorkpointMessage, cookieHeader: string | undefined):
    | { kind: 'known'; claims: SessionClaims }
    | { kind: 'unknown'; why: string } {
    const rawMac = itemValue(message.items, 'mac-addr');
    const mac = rawMac === undefined ? undefined : normaliseMac(rawMac);
    if (rawMac !== undefined && mac === undefined) return { kind: 'unknown', why: 'mac-addr is not a MAC address' };
    const session = this.sessions.verify(cookieHeader);
    // A start-up always begins a new interaction, whatever cookie the phone kept.
    if (session && message.reason !== 'start-up' && (mac === undefined || mac === session.mac)) {
      return { kind: 'known', claims: session };
    }
    if (mac) return { kind: 'known', claims: { mac, interactionId: randomUUID() } };
    return { kind: 'unknown', why: 'no mac-addr and no valid session cookie' };
  }

  /** CleanUp with cleanup-reason=overload, as the vendor's service answers when it cannot cope. */
  private overload(nonce: string, claims: SessionClaims): HttpReply {
    return this.dls(nonce, 'CleanUp', [{ name: 'cleanup-reason', value: 'overload' }], claims, 'service unavailable');
  }

  private dls(nonce: string, action: WpiAction, items: WpiItem[], claims: SessionClaims | undefined, comment?: string): HttpReply {
    const body = buildDlsMessage({ nonce, action, items }, comment ? { comment } : undefined);
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
    if (claims) headers['Set-Cookie'] = ENDS_INTERACTION.has(action) ? this.sessions.clearCookie() : this.sessions.setCookie(claims);
    return { status: 200, headers, body };
  }
}

export function plain(status: number, body: string, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}
