import {
  buildWorkpointMessage,
  DEFAULT_SCAN_LIMITS,
  manyAttributesBody,
  maxAcceptedBody,
  parseWorkpointMessage,
  type WorkpointMessage,
  WpiParseError,
} from '@workpoint/wpi-codec';
import { randomMac } from '@workpoint/testing';
import { type ParseOutcome, type ParsePool, type ParseTask, ParserBusyError, PhoneMessageParser } from './phone-message.parser';

const INLINE_MAX = 16_384;
const QUEUE_MAX = 4;

/** A pool that records what it was given and answers as told, without threads. */
class FakePool implements ParsePool {
  readonly tasks: ParseTask[] = [];
  queued = 0;
  destroyed = false;
  constructor(private readonly answer: (task: ParseTask) => Promise<ParseOutcome>) {}
  run(task: ParseTask): Promise<ParseOutcome> {
    this.tasks.push(task);
    return this.answer(task);
  }
  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}

const parsedInPool: WorkpointMessage = { nonce: 'FROM-THE-POOL', maxItems: -1, reason: 'reply-to', items: [] };

function parserWith(answer: (task: ParseTask) => Promise<ParseOutcome> = async () => ({ ok: true, json: JSON.stringify(parsedInPool) })) {
  const pool = new FakePool(answer);
  return { pool, parser: new PhoneMessageParser(pool, { inlineMaxBytes: INLINE_MAX, queueMax: QUEUE_MAX, scanLimits: DEFAULT_SCAN_LIMITS }) };
}

const startUp = () => Buffer.from(buildWorkpointMessage({ nonce: '4F6A1034A46B463F8D008DA09314040A', maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: randomMac() }] }));
const large = () => maxAcceptedBody({ maxBodyBytes: 4 * INLINE_MAX, scanLimits: DEFAULT_SCAN_LIMITS });

describe('PhoneMessageParser', () => {
  it('parses a body up to the inline limit on the event loop, without the pool', async () => {
    const { pool, parser } = parserWith();
    const body = startUp();
    await expect(parser.parse(body)).resolves.toEqual(parseWorkpointMessage(body));
    const atLimit = maxAcceptedBody({ maxBodyBytes: INLINE_MAX, scanLimits: DEFAULT_SCAN_LIMITS });
    expect(atLimit.length).toBe(INLINE_MAX);
    await expect(parser.parse(atLimit)).resolves.toEqual(parseWorkpointMessage(atLimit));
    expect(pool.tasks).toEqual([]);
  });

  it('hands a body over the inline limit to the pool, with the caps, and returns its message', async () => {
    const { pool, parser } = parserWith();
    const body = large();
    await expect(parser.parse(body)).resolves.toEqual(parsedInPool);
    expect(pool.tasks).toHaveLength(1);
    expect(Buffer.from(pool.tasks[0]?.body ?? []).equals(body)).toBe(true);
    expect(pool.tasks[0]?.limits).toEqual(DEFAULT_SCAN_LIMITS);
  });

  it('refuses a large body over a pre-scan cap on the event loop, before the pool', async () => {
    const { pool, parser } = parserWith();
    await expect(parser.parse(manyAttributesBody(4 * INLINE_MAX))).rejects.toMatchObject({ name: 'WpiParseError', code: 'too-many-elements' });
    expect(pool.tasks).toEqual([]);
  });

  it("turns the pool's refusal back into the WpiParseError the inline parse throws", async () => {
    const { parser } = parserWith(async () => ({ ok: false, code: 'malformed-xml', reason: 'not well-formed XML at line 2' }));
    const refusal = await parser.parse(large()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WpiParseError);
    expect(refusal).toMatchObject({ code: 'malformed-xml', message: 'not well-formed XML at line 2' });
  });

  it('answers a failed worker as busy (transient), not as a bad message', async () => {
    const { parser } = parserWith(async () => {
      throw new Error('worker exited with code 1');
    });
    const refusal = await parser.parse(large()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ParserBusyError);
    expect(refusal).toMatchObject({ why: 'worker-failed', message: expect.stringContaining('worker exited with code 1') });
  });

  it('refuses as busy, without queueing, once PARSE_QUEUE_MAX messages wait; small bodies still parse', async () => {
    const { pool, parser } = parserWith();
    pool.queued = QUEUE_MAX;
    await expect(parser.parse(large())).rejects.toMatchObject({ name: 'ParserBusyError', why: 'queue-full' });
    expect(pool.tasks).toEqual([]);
    await expect(parser.parse(startUp())).resolves.toMatchObject({ reason: 'start-up' });
  });

  it('parses everything inline without a pool (PARSE_WORKERS=0)', async () => {
    const parser = new PhoneMessageParser(undefined, { inlineMaxBytes: INLINE_MAX, queueMax: QUEUE_MAX, scanLimits: DEFAULT_SCAN_LIMITS });
    const body = large();
    await expect(parser.parse(body)).resolves.toEqual(parseWorkpointMessage(body));
    await expect(parser.close()).resolves.toBeUndefined();
  });

  it('destroys the pool on close', async () => {
    const { pool, parser } = parserWith();
    await parser.close();
    expect(pool.destroyed).toBe(true);
  });
});
