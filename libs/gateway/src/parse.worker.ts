import { parseWorkpointMessage, WpiParseError } from '@workpoint/wpi-codec';
import type { ParseOutcome, ParseTask } from './phone-message.parser';

/**
 * Runs in a parse worker thread (loaded by Piscina from the compiled file, see
 * parse-worker.pool.ts). A refusal is returned, not thrown: its class and code must survive
 * the trip back; anything else thrown is a worker failure and reaches the gateway as one.
 */
export default function parseInWorker(task: ParseTask): ParseOutcome {
  try {
    // The structured clone delivers a Uint8Array; the parser decodes Buffers.
    const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
    return { ok: true, json: JSON.stringify(parseWorkpointMessage(body, task.limits)) };
  } catch (error) {
    if (error instanceof WpiParseError) return { ok: false, code: error.code, reason: error.message };
    throw error;
  }
}
