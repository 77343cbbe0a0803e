import { ContactReceivedTopic, type ContactEvent, gatewayResponseTopic } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import { InProcessBus } from '@workpoint/messaging';
import { buildWorkpointMessage, parseDlsMessage, type WorkpointMessage } from '@workpoint/wpi-codec';
import { type PhoneRequest, PhoneRequestHandler } from './phone-request.handler';
import { ResponseWaiter } from './response-waiter';
import { SessionCookies } from './session-cookie';

const MAC = '00:1A:E8:00:00:01';
const NONCE = '4F6A1034A46B463F8D008DA09314040A';

function setup(opts: { answer?: boolean; timeoutMs?: number } = {}) {
  const logLines: string[] = [];
  const logger = createLogger('test', 'debug', (l) => logLines.push(l));
  const bus = new InProcessBus(logger);
  const sessions = new SessionCookies('s'.repeat(32), 600);
  const waiter = new ResponseWaiter();
  const handler = new PhoneRequestHandler(bus, waiter, sessions, logger, { gatewayId: 'gw-test', answerTimeoutMs: opts.timeoutMs ?? 2000 });
  const seen: ContactEvent[] = [];
  void bus.subscribe({
    topic: ContactReceivedTopic,
    groupId: 'fake-services',
    handle: async ({ value }) => {
      seen.push(value);
      if (opts.answer === false) return;
      const action = value.message.reason === 'start-up' ? 'ReadAllItems' : 'CleanUp';
      await bus.publish(gatewayResponseTopic('gw-test'), value.mac, {
        contactId: value.contactId,
        interactionId: value.interactionId,
        mac: value.mac,
        respondedBy: 'inventory',
        action,
        items: [],
      });
    },
  });
  void bus.subscribe({
    topic: gatewayResponseTopic('gw-test'),
    groupId: 'gw',
    handle: async ({ value }) => void waiter.deliver(value),
  });
  return { handler, seen, logLines, sessions };
}

const request = (msg: Partial<WorkpointMessage>, cookieHeader?: string): PhoneRequest => ({
  body: Buffer.from(
    buildWorkpointMessage({ nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: MAC }], ...msg }),
  ),
  cookieHeader,
  remoteAddress: '127.0.0.1',
});

describe('PhoneRequestHandler', () => {
  it('publishes a start-up keyed by MAC and answers with the services\' action, nonce echoed, session cookie set', async () => {
    const { handler, seen } = setup();
    const reply = await handler.handle(request({}));
    expect(reply.status).toBe(200);
    expect(reply.headers['Content-Type']).toBe('text/xml; charset=utf-8');
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce: NONCE, action: 'ReadAllItems' });
    expect(reply.headers['Set-Cookie']).toMatch(/^JSESSIONID=.+Max-Age=600/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ mac: MAC, gatewayId: 'gw-test', message: { reason: 'start-up', nonce: NONCE } });
  });

  it('ties a reply-to without mac-addr to the phone by its cookie, and clears the cookie on CleanUp', async () => {
    const { handler, seen } = setup();
    const first = await handler.handle(request({}));
    const cookie = first.headers['Set-Cookie']!.split(';')[0];
    const reply = await handler.handle(
      request({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: [{ name: 'e164', value: '4989' }] }, `${cookie}; path=/`),
    );
    expect(parseDlsMessage(reply.body).action).toBe('CleanUp');
    expect(reply.headers['Set-Cookie']).toMatch(/Max-Age=0/);
    expect(seen[1]).toMatchObject({ mac: MAC, interactionId: seen[0]!.interactionId });
  });

  it('answers CleanUp without publishing when a message has neither mac-addr nor a valid session', async () => {
    const { handler, seen, logLines } = setup();
    const reply = await handler.handle(request({ reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: [] }, 'JSESSIONID=forged'));
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce: NONCE, action: 'CleanUp' });
    expect(reply.headers['Set-Cookie']).toBeUndefined();
    expect(seen).toHaveLength(0);
    expect(logLines.some((l) => l.includes('without identity'))).toBe(true);
  });

  it('starts a new interaction on start-up even with an old cookie of the same phone', async () => {
    const { handler, seen } = setup();
    const first = await handler.handle(request({}));
    await handler.handle(request({}, first.headers['Set-Cookie']!.split(';')[0]));
    expect(seen[1]!.interactionId).not.toBe(seen[0]!.interactionId);
  });

  it('answers CleanUp with cleanup-reason=overload when the services do not answer in time', async () => {
    const { handler, logLines } = setup({ answer: false, timeoutMs: 50 });
    const reply = await handler.handle(request({}));
    expect(reply.status).toBe(200);
    expect(parseDlsMessage(reply.body)).toMatchObject({ nonce: NONCE, action: 'CleanUp', items: [{ name: 'cleanup-reason', value: 'overload' }] });
    expect(logLines.some((l) => l.includes('no answer from the services in time'))).toBe(true);
  });

  it.each([
    ['malformed XML', '<WorkpointMessage><Message nonce="1">', 'malformed-xml'],
    ['a root that is not WorkpointMessage', '<DLSMessage><Message nonce="1"><Action>CleanUp</Action></Message></DLSMessage>', 'wrong-root'],
    ['a missing nonce', '<WorkpointMessage><Message><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>', 'missing-nonce'],
    ['a DOCTYPE with entities', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><WorkpointMessage><Message nonce="1"><ReasonForContact>&a;</ReasonForContact></Message></WorkpointMessage>', 'doctype-forbidden'],
  ])('answers 400 to %s and publishes nothing', async (_name, xml, code) => {
    const { handler, seen } = setup();
    const reply = await handler.handle({ body: Buffer.from(xml), cookieHeader: undefined, remoteAddress: '127.0.0.1' });
    expect(reply.status).toBe(400);
    expect(reply.body).toContain(code);
    expect(seen).toHaveLength(0);
  });
});
