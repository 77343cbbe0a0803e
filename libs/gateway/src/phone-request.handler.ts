import { randomUUID } from 'node:crypto';
import {
  ContactReceivedTopic,
  type ContactEvent,
  HEADERS,
  type SessionClosed,
  SessionClosedTopic,
  type SessionOpened,
  SessionOpenedTopic,
} from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { PhoneMetrics } from '@workpoint/metrics';
import { activeSpan, inServerSpan, type Span } from '@workpoint/tracing';
import {
  buildDlsMessage,
  DEFAULT_MAX_ITEM_VALUE_CHARS,
  DEFAULT_SCAN_LIMITS,
  itemAnomalies,
  itemValue,
  normaliseMac,
  type WorkpointMessage,
  valueLimitBreach,
  WpiParseError,
  type WpiScanLimits,
  type WpiAction,
  type WpiItem,
} from '@workpoint/wpi-codec';
import type { HttpReply } from './http-reply';
import { refusalReply } from './gateway.error';
import { ParserBusyError, PhoneMessageParser } from './phone-message.parser';
import type { ResponseWaiter } from './response-waiter';
import type { SessionClaims, SessionCookies } from './session-cookie';
import type { SessionNonceView } from './session-nonce.view';
import { normaliseSourceAddress } from './source-address';

export interface PhoneRequest {
  body: Buffer;
  cookieHeader: string | undefined;
  remoteAddress: string;
}

export interface PhoneRequestHandlerOptions {
  gatewayId: string;
  answerTimeoutMs: number;
  /**
   * How long a message with neither mac-addr nor a valid cookie waits for its nonce to reach
   * this instance's view (another instance may have opened the interaction just before).
   */
  nonceWaitMs: number;
  /** Pre-scan caps (elements, attributes, references); default DEFAULT_SCAN_LIMITS. */
  scanLimits?: WpiScanLimits;
  /** Longest value of an item the catalogue gives no maxLength (default DEFAULT_MAX_ITEM_VALUE_CHARS). */
  maxItemValueChars?: number;
}

type Identity =
  | { kind: 'known'; claims: SessionClaims; via: 'cookie' | 'nonce' | 'mac-addr' }
  | { kind: 'unknown'; why: string };

/**
 * Actions after which the phone's interaction is over: the session cookie is cleared, and every
 * instance is told to refuse it and the nonce from now on (a phone that kept the cookie, or a
 * host that saw it, cannot continue an interaction the service ended).
 */
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
    private readonly nonces: SessionNonceView,
    private readonly logger: Logger,
    private readonly options: PhoneRequestHandlerOptions,
    /** Where the body is parsed (inline or in the parse workers); inline only by default. */
    private readonly parser = new PhoneMessageParser(undefined, {
      inlineMaxBytes: Number.POSITIVE_INFINITY,
      queueMax: 0,
      scanLimits: options.scanLimits ?? DEFAULT_SCAN_LIMITS,
    }),
    /** Requests by reason and answer, exchange durations, overloads (the gateway's; none in unit tests that build it with `new`). */
    private readonly metrics?: PhoneMetrics,
  ) {}

  /**
   * One phone exchange is one server span, the root of the trace that the contact carries
   * through the pipeline (traceparent on the Kafka message). Its attributes: the reason, the
   * answer, the HTTP status, the contact and interaction ids (random; the logs give their MAC).
   * The MAC itself is never an attribute: it names a person's phone, and hashing would not hide
   * a 48-bit value whose vendor prefix is known.
   */
  handle(req: PhoneRequest): Promise<HttpReply> {
    return inServerSpan('WPI exchange', async (span) => {
      const reply = await this.exchange(req, span);
      span.setAttribute('http.response.status_code', reply.status);
      return reply;
    });
  }

  private async exchange(req: PhoneRequest, span: Span): Promise<HttpReply> {
    const startedAt = performance.now();
    let message: WorkpointMessage;
    try {
      message = await this.parser.parse(req.body);
    } catch (error) {
      if (error instanceof ParserBusyError) {
        this.logger.warn('phone message not parsed: parse workers busy; answering 503', { remoteAddress: req.remoteAddress, cause: error.why, error: error.message });
        this.metrics?.answered(undefined, 'parser-busy', startedAt);
        return refusalReply(error.refusal);
      }
      if (!(error instanceof WpiParseError)) throw error;
      // No nonce can be trusted from a message that did not parse, so no DLSMessage can
      // answer it: this is not a phone speaking WPI, and it gets a plain 400.
      this.logger.warn('rejected unparsable phone message', { remoteAddress: req.remoteAddress, code: error.code, error: error.message });
      this.metrics?.answered(undefined, 'unparsable', startedAt);
      return refusalReply({ code: 'unparsable', parseCode: error.code, reason: error.message });
    }
    // Before anything is kept or published: a value over its column would fail every retry downstream.
    const tooLong = valueLimitBreach(message, this.options.maxItemValueChars ?? DEFAULT_MAX_ITEM_VALUE_CHARS);
    if (tooLong !== undefined) {
      this.logger.warn('phone message with a value over its limit answered with CleanUp', { remoteAddress: req.remoteAddress, refusal: tooLong });
      this.metrics?.answered(message.reason, 'value-too-long', startedAt);
      return refusalReply({ code: 'value-too-long', nonce: message.nonce, detail: tooLong });
    }
    message = this.withoutRepeats(message, req.remoteAddress);
    // Bounded by valueLimitBreach above (reason ≤ 64, reply-to action ≤ 32).
    span.setAttribute('wpi.reason', message.reason);
    if (message.replyTo) span.setAttribute('wpi.reply_to', message.replyTo.action);

    const identity = await this.identify(message, req.cookieHeader, req.remoteAddress);
    if (identity.kind === 'unknown') {
      this.logger.warn('phone message without identity answered with CleanUp', {
        remoteAddress: req.remoteAddress,
        reason: message.reason,
        why: identity.why,
      });
      this.metrics?.answered(message.reason, 'unidentified', startedAt);
      return refusalReply({ code: 'unidentified', nonce: message.nonce, why: identity.why });
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
    span.setAttributes({ 'workpoint.contact_id': contact.contactId, 'workpoint.interaction_id': contact.interactionId });
    const log = this.logger.child({ mac: contact.mac, correlationId: contact.interactionId, contactId: contact.contactId });
    log.debug('phone message received', { reason: message.reason, replyTo: message.replyTo, items: message.items.length, identifiedBy: identity.via });
    if (identity.via === 'mac-addr') this.announceSession(contact, log);

    const outcome = this.waiter.wait(contact.contactId, this.options.answerTimeoutMs);
    try {
      await this.bus.publish(ContactReceivedTopic, contact.mac, contact, {
        [HEADERS.correlationId]: contact.interactionId,
        [HEADERS.causationId]: contact.contactId,
      });
    } catch (error) {
      this.waiter.cancel(contact.contactId);
      log.error('could not publish the contact; answering CleanUp (overload)', { error: String(error) });
      return this.overload(message, identity.claims, log, 'publish-failed', startedAt);
    }

    const result = await outcome;
    if (result.kind === 'timeout') {
      log.warn('no answer from the services in time; answering CleanUp (overload)', { timeoutMs: this.options.answerTimeoutMs });
      return this.overload(message, identity.claims, log, 'timeout', startedAt);
    }
    const { response } = result;
    log.debug('answering phone', { action: response.action, respondedBy: response.respondedBy, items: response.items.length });
    this.metrics?.answered(message.reason, response.action, startedAt);
    return this.answer(message.nonce, response.action, response.items, identity.claims, log, response.note);
  }

  private async identify(message: WorkpointMessage, cookieHeader: string | undefined, remoteAddress: string): Promise<Identity> {
    const rawMac = itemValue(message.items, 'mac-addr');
    const mac = rawMac === undefined ? undefined : normaliseMac(rawMac);
    if (rawMac !== undefined && mac === undefined) return { kind: 'unknown', why: 'mac-addr is not a MAC address' };
    // A start-up always begins a new interaction, whatever cookie or nonce the phone kept.
    if (message.reason !== 'start-up') {
      const session = this.sessions.verify(cookieHeader);
      if (session && (mac === undefined || mac === session.mac)) return { kind: 'known', claims: session, via: 'cookie' };
      if (mac === undefined) return this.identifyByNonce(message.nonce, remoteAddress);
      // A reply-to always continues the flow its nonce names; without the cookie, the nonce
      // keeps it in that interaction — unless the nonce names another phone (mac-addr wins),
      // or the interaction was opened from another address.
      const byNonce = message.reason === 'reply-to' ? this.nonces.find(message.nonce, remoteAddress) : undefined;
      if (byNonce?.kind === 'found' && byNonce.session.mac === mac) return { kind: 'known', claims: byNonce.session, via: 'nonce' };
    }
    if (mac) return { kind: 'known', claims: { mac, interactionId: randomUUID() }, via: 'mac-addr' };
    return { kind: 'unknown', why: 'no mac-addr and no valid session cookie' };
  }

  /**
   * The cookie-less fallback (protocol.md §2.4, §9 Q21): the phone repeats its nonce within a
   * flow. Only from the address the interaction was opened from: from anywhere else the nonce is
   * unknown, so a host that saw or guessed it cannot file data under the phone.
   */
  private async identifyByNonce(nonce: string, remoteAddress: string): Promise<Identity> {
    const found = await this.nonces.waitFor(nonce, remoteAddress, this.options.nonceWaitMs);
    switch (found.kind) {
      case 'found':
        return { kind: 'known', claims: found.session, via: 'nonce' };
      case 'ambiguous':
        return { kind: 'unknown', why: 'no mac-addr, no valid session cookie, and a nonce used by several phones at this address' };
      case 'unknown':
        return { kind: 'unknown', why: 'no mac-addr, no valid session cookie, and no interaction opened with this nonce' };
    }
  }

  /**
   * Tells every gateway instance (this one at once) which phone this nonce belongs to, for the
   * phone's cookie-less replies. Not awaited: the phone's answer must not wait for it, and a
   * failure only costs the fallback, so it is logged, not fatal.
   */
  private announceSession(contact: ContactEvent, log: Logger): void {
    const opened: SessionOpened = {
      mac: contact.mac,
      nonce: contact.message.nonce,
      interactionId: contact.interactionId,
      gatewayId: this.options.gatewayId,
      at: contact.receivedAt,
      remoteAddress: normaliseSourceAddress(contact.remoteAddress),
    };
    this.nonces.remember(opened);
    this.bus
      .publish(SessionOpenedTopic, opened.mac, opened, { [HEADERS.correlationId]: contact.interactionId, [HEADERS.causationId]: contact.contactId })
      .catch((error: unknown) => log.warn('could not publish session-opened; cookie-less replies may not find this phone', { error: String(error) }));
  }

  /** Repeated items are dropped (the first counts) and index oddities named, once, here at the edge. */
  private withoutRepeats(message: WorkpointMessage, remoteAddress: string): WorkpointMessage {
    const odd = itemAnomalies(message.items);
    if (odd.duplicates.length + odd.unexpectedIndex.length + odd.missingIndex.length === 0) return message;
    this.logger.warn('odd items in a phone message', {
      remoteAddress,
      reason: message.reason,
      duplicatesDropped: odd.duplicates.slice(0, 20),
      indexOnSingleValuedItem: odd.unexpectedIndex.slice(0, 20),
      noIndexOnMultiValuedItem: odd.missingIndex.slice(0, 20),
    });
    return odd.items === message.items ? message : { ...message, items: odd.items };
  }

  /**
   * Tells every gateway instance (this one at once) that the interaction is over, so its cookie
   * and nonce are refused from now on. Not awaited, as announceSession: the phone's CleanUp must
   * not wait for the broker (which may be the reason for an overload CleanUp); a failure leaves
   * the other instances accepting the cookie until it expires, so it is logged at warn.
   */
  private endInteraction(claims: SessionClaims, log: Logger): void {
    const closed: SessionClosed = { mac: claims.mac, interactionId: claims.interactionId, gatewayId: this.options.gatewayId, at: new Date().toISOString() };
    this.nonces.end(closed);
    this.bus
      .publish(SessionClosedTopic, closed.mac, closed, { [HEADERS.correlationId]: closed.interactionId })
      .catch((error: unknown) => log.warn('could not publish session-closed; other instances accept its cookie until it expires', { error: String(error) }));
  }

  /** CleanUp with cleanup-reason=overload, as the vendor's service answers when it cannot cope. It ends the interaction. */
  private overload(message: WorkpointMessage, claims: SessionClaims, log: Logger, cause: 'timeout' | 'publish-failed', startedAt: number): HttpReply {
    this.metrics?.overload(cause);
    this.metrics?.answered(message.reason, 'CleanUp', startedAt);
    activeSpan().setAttribute('workpoint.overload', true);
    return this.answer(message.nonce, 'CleanUp', [{ name: 'cleanup-reason', value: 'overload' }], claims, log, 'service unavailable');
  }

  /** The answer to an identified phone; an action that ends the interaction ends it on every instance. */
  private answer(nonce: string, action: WpiAction, items: WpiItem[], claims: SessionClaims, log: Logger, comment?: string): HttpReply {
    activeSpan().setAttribute('wpi.answer', action);
    if (ENDS_INTERACTION.has(action)) this.endInteraction(claims, log);
    return this.dls(nonce, action, items, claims, comment);
  }

  private dls(nonce: string, action: WpiAction, items: WpiItem[], claims: SessionClaims, comment?: string): HttpReply {
    const body = buildDlsMessage({ nonce, action, items }, comment ? { comment } : undefined);
    const headers = { 'Content-Type': 'text/xml; charset=utf-8', 'Set-Cookie': ENDS_INTERACTION.has(action) ? this.sessions.clearCookie() : this.sessions.setCookie(claims) };
    return { status: 200, headers, body };
  }
}
