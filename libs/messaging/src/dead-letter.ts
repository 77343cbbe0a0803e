import type { DeadLetter } from '@workpoint/contracts';
import { boundStrings, fitJsonString, maskSecretsInText, redact } from '@workpoint/logging';
import type { RawMessage } from './delivery';

/** Default bound of a whole dead letter, serialised (`DEAD_LETTER_MAX_BYTES`); Kafka's default message limit is 1 MB. */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 65_536;
const ERROR_MAX_CHARS = 2000;

/**
 * The dead letter of a message: its value redacted by the logger's redactor (secret items such
 * as `sip-pwd`, fields named like secrets) and bounded, so that neither the dead-letter topic
 * nor a log line carries a phone's password or a 1 MB string.
 * - A JSON value is parsed, redacted, its strings cut to 1/16 of the bound each, and written
 *   back as JSON; other text has secret-looking `"key": "value"` pairs masked.
 * - The whole letter, serialised, is at most `maxBytes`: the value is cut to what is left
 *   after the other fields and marked `…[truncated N bytes]`.
 * The original is lost on purpose: an operator replays from the source topic, not from here.
 */
export function deadLetterOf(raw: RawMessage, groupId: string, error: string, attempts: number, maxBytes = DEFAULT_DEAD_LETTER_MAX_BYTES): DeadLetter {
  const letter: DeadLetter = {
    sourceTopic: raw.topic,
    groupId,
    key: raw.key === null ? null : fitJsonString(raw.key, 256),
    value: '',
    error: fitJsonString(maskSecretsInText(error), ERROR_MAX_CHARS),
    failedAt: new Date().toISOString(),
    attempts,
  };
  const room = maxBytes - Buffer.byteLength(JSON.stringify(letter));
  letter.value = fitJsonString(redactedValue(raw.value, Math.max(64, Math.floor(maxBytes / 16))), room);
  return letter;
}

function redactedValue(text: string, maxStringChars: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return maskSecretsInText(text);
  }
  return JSON.stringify(boundStrings(redact(parsed), maxStringChars));
}
