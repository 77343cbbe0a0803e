import { ContactReceivedTopic, type ContactEvent, SessionOpenedTopic } from '@workpoint/contracts';
import { InProcessBus } from '@workpoint/messaging';
import { capturingLogger, randomMac } from '@workpoint/testing';
import {
  buildWorkpointMessage,
  controlCharNonceBody,
  DEFAULT_SCAN_LIMITS,
  longNonceBody,
  manyAttributesBody,
  maxAcceptedBody,
  overlongValueBody,
  parseDlsMessage,
  type WpiItem,
} from '@workpoint/wpi-codec';

import { PhoneMessageParser } from './phone-message.parser';
import { PhoneRequestHandler } from './phone-request.handler';
import { ResponseWaiter } from './response-waiter';
import { SessionCookies } from './session-cookie';
import { SessionNonceView } from './session-nonce.view';

const NONCE = '4F6A1034A46B463F8D008DA09314040A';

/** The handler with nothing answering: every refusal below must come before the bus. */
async function edge(parser?: PhoneMessageParser) {
  const { logger, lines } = capturingLogger();
  const bus = new InProcessBus(logger);
  const published: unknown[] = [];
  await bus.subscribe({ topic: ContactReceivedTopic, groupId: 'observer', handle: async ({ value }: { value: ContactEvent }) => void published.push(value) });
  await bus.subscribe({ topic: SessionOpenedTopic, groupId: 'observer', handle: async ({ value }) => void published.push(value) });
  const nonces = new SessionNonceView({ ttlMs: 600_000 });
  const handler = new PhoneRequestHandler(bus, new ResponseWaiter(), new SessionCookies('s'.repeat(32), 600), nonces, logger, {
    gatewayId: 'gw-limits',
    answerTimeoutMs: 200,
    nonceWaitMs: 0,
  }, parser);
  const send = (body: Buffer) => handler.handle({ body, cookieHeader: undefined, remoteAddress: '192.0.2.10' });
  return { send, published, nonces, logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function startUp(items: WpiItem[], overrides: { reason?: string; replyTo?: { action: string; status: string } } = {}): Buffer {
  const mac = randomMac();
  return Buffer.from(buildWorkpointMessage({ nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: mac }, ...items], ...overrides }));
}

describe('PhoneRequestHandler at the limits of what a phone sends', () => {
  it.each([
    ['device-type over its column', overlongValueBody('device-type', 300, randomMac(), NONCE), 'value-too-long: item "device-type" value is 300 characters, limit 128'],
    ['contact-me-uri over 255', overlongValueBody('contact-me-uri', 300, randomMac(), NONCE), 'value-too-long: item "contact-me-uri" value is 300 characters, limit 255'],
    ['an item name of 65 characters', startUp([{ name: 'n'.repeat(65), value: '1' }]), 'value-too-long: item #2 has a name of 65 characters'],
    ['a reason of 65 characters', startUp([], { reason: 'r'.repeat(65) }), 'value-too-long: ReasonForContact is 65 characters, limit 64'],
    ['a reply-to action of 65 characters', startUp([], { reason: 'reply-to', replyTo: { action: 'A'.repeat(65), status: 'accepted' } }), 'value-too-long: reply-to action is 65 characters'],
  ])('answers %s with CleanUp, nonce echoed, a value-too-long comment, nothing published or kept', async (_what, body, comment) => {
    const { send, published, nonces, logs } = await edge();
    const reply = await send(body);
    expect(reply.status).toBe(200);
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce: NONCE, action: 'CleanUp' });
    expect(reply.body).toContain(`<!-- ${comment}`);
    expect(reply.body).not.toContain('xxxxxxxxxx');
    expect(reply.headers['Set-Cookie']).toBeUndefined();
    expect(published).toEqual([]);
    expect(nonces.find(NONCE, '192.0.2.10').kind).toBe('unknown');
    expect(logs()).toContainEqual(expect.objectContaining({ level: 'warn', remoteAddress: '192.0.2.10', refusal: expect.stringMatching(/^value-too-long/) }));
  });

  it.each([
    ['a nonce of 129 characters', longNonceBody(129), 'bad-nonce: nonce is 129 characters long, limit 128'],
    ['a nonce of 5000 characters', longNonceBody(5000), 'bad-nonce: nonce is 5000 characters long, limit 128'],
    ['a nonce with control characters', controlCharNonceBody(), 'bad-nonce: nonce contains a character outside printable ASCII (0x21-0x7E)'],
    ['a body with 14k attributes', manyAttributesBody(128 * 1024), 'too-many-elements: document has more than 6144 attributes'],
  ])('answers %s with a plain 400 and keeps and publishes nothing', async (_what, body, refusal) => {
    const { send, published, logs } = await edge();
    const reply = await send(body);
    expect(reply.status).toBe(400);
    expect(reply.headers['Content-Type']).toMatch(/^text\/plain/);
    expect(reply.body.startsWith(refusal)).toBe(true);
    expect(published).toEqual([]);
    expect(logs()).toContainEqual(expect.objectContaining({ level: 'warn', remoteAddress: '192.0.2.10' }));
  });

  it.each([
    ['its queue is full', { queued: 1, run: () => Promise.reject(new Error('not called')) }],
    ['its worker died', { queued: 0, run: () => Promise.reject(new Error('worker exited with code 1')) }],
  ])('answers a large body with 503 busy and Retry-After when the parse pool cannot take it (%s), and publishes nothing', async (_what, pool) => {
    const parser = new PhoneMessageParser({ ...pool, destroy: async () => undefined }, { inlineMaxBytes: 16_384, queueMax: 1, scanLimits: DEFAULT_SCAN_LIMITS });
    const { send, published, logs } = await edge(parser);
    const reply = await send(maxAcceptedBody({ maxBodyBytes: 64 * 1024, scanLimits: DEFAULT_SCAN_LIMITS }, NONCE));
    expect(reply.status).toBe(503);
    expect(reply.headers['Retry-After']).toBe('5');
    expect(reply.body).toMatch(/^busy: /);
    expect(published).toEqual([]);
    expect(logs()).toContainEqual(expect.objectContaining({ level: 'warn', remoteAddress: '192.0.2.10', cause: expect.stringMatching(/^(queue-full|worker-failed)$/) }));
  });
});
