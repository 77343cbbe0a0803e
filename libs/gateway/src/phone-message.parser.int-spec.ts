import { DEFAULT_SCAN_LIMITS, maxAcceptedBody, parseWorkpointMessage, WpiParseError } from '@workpoint/wpi-codec';
import { createParseWorkerPool } from './parse-worker.pool';
import { ParserBusyError, PhoneMessageParser } from './phone-message.parser';

// The real Piscina pool and the compiled worker (libs/gateway/dist/parse.worker.js: this tier
// runs after the build). No Kafka or PostgreSQL is involved.
const INLINE_MAX = 16_384;
const QUEUE_MAX = 4;
const MAX_BODY = 128 * 1024;

describe('PhoneMessageParser with the worker pool', () => {
  const parser = new PhoneMessageParser(createParseWorkerPool({ workers: 1, queueMax: QUEUE_MAX }), {
    inlineMaxBytes: INLINE_MAX,
    queueMax: QUEUE_MAX,
    scanLimits: DEFAULT_SCAN_LIMITS,
  });
  afterAll(() => parser.close());

  it('parses a maximum-size body in a worker to the same message as the inline parse', async () => {
    const body = maxAcceptedBody({ maxBodyBytes: MAX_BODY, scanLimits: DEFAULT_SCAN_LIMITS });
    const inline = parseWorkpointMessage(body, DEFAULT_SCAN_LIMITS);
    expect(inline.items.length).toBeGreaterThan(2000);
    await expect(parser.parse(body)).resolves.toEqual(inline);
  });

  it.each([
    ['not well-formed', (xml: string) => xml.replace('</ItemList>', '</ItemLis>'), 'malformed-xml'],
    ['the wrong root', (xml: string) => xml.replace(/WorkpointMessage/g, 'DLSMessage'), 'wrong-root'],
    ['a reply-to without action', (xml: string) => xml.replace(' action="ReadAllItems"', ''), 'bad-attribute'],
  ])('refuses a large body that is %s with the WpiParseError and message of the inline parse', async (_what, spoil, code) => {
    const body = Buffer.from(spoil(maxAcceptedBody({ maxBodyBytes: MAX_BODY - 64, scanLimits: DEFAULT_SCAN_LIMITS }).toString('ascii')), 'ascii');
    expect(body.length).toBeGreaterThan(INLINE_MAX);
    const inline = (() => {
      try {
        parseWorkpointMessage(body, DEFAULT_SCAN_LIMITS);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const pooled = await parser.parse(body).catch((error: unknown) => error);
    expect(pooled).toBeInstanceOf(WpiParseError);
    expect(pooled).toMatchObject({ code, message: (inline as WpiParseError).message });
  });

  it('answers busy once PARSE_QUEUE_MAX large bodies wait, and parses the next one once the queue drains', async () => {
    const body = maxAcceptedBody({ maxBodyBytes: MAX_BODY, scanLimits: DEFAULT_SCAN_LIMITS });
    const burst = await Promise.allSettled(Array.from({ length: 1 + QUEUE_MAX + 3 }, () => parser.parse(body)));
    const refused = burst.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as unknown);
    // One in the worker, QUEUE_MAX waiting: every parse beyond that is refused, none queued.
    expect(burst.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1 + QUEUE_MAX);
    expect(refused).toHaveLength(3);
    for (const reason of refused) expect(reason).toEqual(expect.objectContaining({ name: 'ParserBusyError', why: 'queue-full' }));
    expect(refused[0]).toBeInstanceOf(ParserBusyError);
    await expect(parser.parse(body)).resolves.toMatchObject({ reason: 'reply-to' });
  });
});
