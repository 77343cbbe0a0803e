import {
  parseWorkpointMessage,
  prescanDocument,
  type WorkpointMessage,
  WpiParseError,
  type WpiParseErrorCode,
  type WpiScanLimits,
} from '@workpoint/wpi-codec';
import { GatewayError } from './gateway.error';

/** One parse handed to a worker: the body's bytes and the caps to apply. */
export interface ParseTask {
  body: Uint8Array;
  limits: WpiScanLimits;
}

/**
 * What a worker sends back. The message travels as JSON text: for the largest accepted body,
 * JSON.parse on the event loop costs 0.38 ms where deserialising the structured clone of the
 * object costs 0.85 ms (measured, Node 20). A refusal travels as data: an error's class does
 * not survive the trip between threads, and the handler answers by class and code.
 */
export type ParseOutcome = { ok: true; json: string } | { ok: false; code: WpiParseErrorCode; reason: string };

/** The worker pool large bodies are parsed in (parse-worker.pool.ts in production; a fake in unit tests). */
export interface ParsePool {
  /** Tasks waiting for a worker, not counting those being parsed. */
  readonly queued: number;
  run(task: ParseTask): Promise<ParseOutcome>;
  destroy(): Promise<void>;
}

export type ParserBusyCause = 'queue-full' | 'worker-failed';

/**
 * The message could not be parsed for a reason of the gateway's, not of the message: the
 * pool's queue is full, or the worker died. Transient: nothing was kept, the phone asks again.
 */
export class ParserBusyError extends GatewayError {
  override readonly name = 'ParserBusyError';

  constructor(
    readonly why: ParserBusyCause,
    message: string,
  ) {
    super({ code: 'parser-busy' }, message);
  }
}

export interface PhoneMessageParserOptions {
  /** Bodies up to this many bytes are parsed on the event loop (PARSE_INLINE_MAX_BYTES). */
  inlineMaxBytes: number;
  /** Tasks allowed to wait for a worker (PARSE_QUEUE_MAX); more are refused as busy. */
  queueMax: number;
  scanLimits: WpiScanLimits;
}

/**
 * Parses a phone message where it costs other phones least (issue 8: a maximum-size message
 * must not hold the event loop for more than a few ms). Small bodies, which are every
 * start-up and most replies, are parsed inline: the hop to a worker would cost more than the
 * parse. A larger body is pre-scanned inline (cheap, and it refuses every hostile shape the
 * caps know) and parsed in the pool; a refusal comes back as the same WpiParseError the inline
 * parse throws. Without a pool (PARSE_WORKERS=0) everything is parsed inline.
 */
export class PhoneMessageParser {
  constructor(
    private readonly pool: ParsePool | undefined,
    private readonly options: PhoneMessageParserOptions,
  ) {}

  /** Rejects with WpiParseError (the message is bad: permanent) or ParserBusyError (transient). */
  async parse(body: Buffer): Promise<WorkpointMessage> {
    const limits = this.options.scanLimits;
    if (this.pool === undefined || body.length <= this.options.inlineMaxBytes) return parseWorkpointMessage(body, limits);
    prescanDocument(body, limits);
    if (this.pool.queued >= this.options.queueMax) {
      throw new ParserBusyError('queue-full', `${this.pool.queued} large messages are waiting for a parse worker (PARSE_QUEUE_MAX ${this.options.queueMax})`);
    }
    let outcome: ParseOutcome;
    try {
      outcome = await this.pool.run({ body, limits });
    } catch (error) {
      throw new ParserBusyError('worker-failed', `parse worker failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (outcome.ok) return JSON.parse(outcome.json) as WorkpointMessage;
    throw new WpiParseError(outcome.code, outcome.reason);
  }

  /** Stops the workers; parses still waiting fail as busy. */
  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
