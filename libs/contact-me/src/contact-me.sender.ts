import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { ContactMeOutcome, SendContactMeOptions } from './contact-me.outcome';
import { contactMeBody, parseContactMeTarget } from './contact-me.target';

/** More than a phone ever sends back (it answers 204 with no body); past this we stop reading. */
export const MAX_RESPONSE_BYTES = 16 * 1024;

/**
 * Asks one phone to contact the service: `POST <contact-me-uri>` with `ContactMe=true`
 * (protocol.md §2.5, §6.4). One request on a fresh connection that is closed afterwards:
 * the phones' web servers are fragile and must not be left holding a keep-alive socket.
 *
 * 204 is the documented answer; 200 is also taken as accepted, because a server that says
 * OK to the form has taken it and asking again would only risk the phone (lenient choice).
 *
 * Resolves for every network condition; rejects only for a bad `timeoutMs` or call-back
 * address (configuration bugs) and, with the signal's reason, when `signal` aborts.
 */
export async function sendContactMe(target: string, opts: SendContactMeOptions): Promise<ContactMeOutcome> {
  const { timeoutMs, signal, callback } = opts;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${String(timeoutMs)}`);
  const body = contactMeBody(callback);
  const parsed = parseContactMeTarget(target);
  if (!parsed.ok) return { kind: 'invalid-target', reason: parsed.reason };
  signal?.throwIfAborted();

  return new Promise<ContactMeOutcome>((resolve, reject) => {
    const req: ClientRequest = request({
      host: parsed.target.host,
      port: parsed.target.port,
      path: parsed.target.path,
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      },
    });
    let settled = false;
    let answered: ContactMeOutcome | undefined;

    const settle = (outcome: ContactMeOutcome | { abort: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Destroying after a complete response is harmless and guarantees the socket is gone.
      req.destroy();
      if ('abort' in outcome) reject(outcome.abort);
      else resolve(outcome);
    };
    // Past the deadline a response already received still decides: the phone did answer.
    const timer = setTimeout(() => settle(answered ?? { kind: 'timed-out' }), timeoutMs);
    const onAbort = (): void => settle({ abort: signal?.reason });
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered !== undefined) settle(answered);
      else settle(error.code === undefined ? { kind: 'unreachable', error: error.message } : { kind: 'unreachable', error: error.message, code: error.code });
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      answered = status === 204 || status === 200 ? { kind: 'accepted', status } : { kind: 'refused', status };
      const outcome = answered;
      // Drain so the phone's server can finish writing and close cleanly, but never buffer
      // or wait for more than a phone would plausibly send.
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) settle(outcome);
      });
      res.on('end', () => settle(outcome));
      res.on('close', () => settle(outcome));
      res.on('error', () => settle(outcome));
    });
    req.end(body);
  });
}
