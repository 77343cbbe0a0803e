import { createHash } from 'node:crypto';
import { z } from 'zod';
import { deterministicEventId, type JobRejected, type JobRejectionCode } from '@workpoint/contracts';
import { fitJsonString, maskSecretsInText } from '@workpoint/logging';
import type { Rejection, RejectionCode } from '@workpoint/messaging';

const MESSAGE_MAX_BYTES = 500;
const RequestIdSchema = z.object({ requestId: z.uuid() });

/** The failure event a job command's sender gets when delivery gave it up (the edge's exhaustive map of the messaging codes). */
export function jobRejectionCodeOf(code: RejectionCode): JobRejectionCode {
  switch (code) {
    case 'invalid-message':
      return 'invalid-command';
    case 'permanent-failure':
      return 'rejected';
    case 'attempts-exhausted':
      return 'failed';
    case 'deadline-passed':
      return 'expired';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped messaging error code ${String(unmapped)}`);
    }
  }
}

/**
 * The `*.job.rejected.v1` event of a rejected job command. Its eventId is derived from the
 * command message itself, so the same message rejected again (after a crash between the event
 * and the dead letter) gives the same id, and consumers drop the repeat.
 */
export function jobRejectedOf(rejection: Rejection<unknown>, now = new Date()): JobRejected {
  const { raw, error } = rejection;
  const reason = ownCode(error.cause);
  return {
    eventId: deterministicEventId('job-rejected', raw.topic, raw.key ?? '', createHash('sha256').update(raw.value).digest('hex')),
    occurredAt: now.toISOString(),
    requestId: requestIdOf(rejection),
    mac: raw.key === null ? null : fitJsonString(raw.key, 256),
    sourceTopic: raw.topic,
    code: jobRejectionCodeOf(error.code),
    ...(reason ? { reason } : {}),
    message: fitJsonString(maskSecretsInText(error.message), MESSAGE_MAX_BYTES),
  };
}

/** The command's requestId, also from a command that broke its schema elsewhere. */
function requestIdOf({ raw, message }: Rejection<unknown>): string | null {
  let value: unknown = message?.value;
  if (value === undefined) {
    try {
      value = JSON.parse(raw.value);
    } catch {
      return null;
    }
  }
  const parsed = RequestIdSchema.safeParse(value);
  return parsed.success ? parsed.data.requestId : null;
}

/** A coded error's code (ours, or a driver's SQLSTATE through TypeORM's driverError). */
function ownCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 3; depth++) {
    const { code, driverError } = e as { code?: unknown; driverError?: unknown };
    if (typeof code === 'string' && code.length > 0 && code.length <= 64) return code;
    e = driverError;
  }
  return undefined;
}
