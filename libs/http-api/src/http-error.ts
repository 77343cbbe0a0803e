import { z } from 'zod';

/** Codes the framework itself answers with; handlers add their own (`phone-not-found`, …). */
export type ApiErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'too-many-requests'
  | 'invalid-json'
  | 'invalid-request'
  | 'internal';

/** The body of every error response (and the `Error` schema of the OpenAPI document). */
export const apiErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable, machine-readable error code, e.g. `invalid-request`'),
    message: z.string().describe('Human-readable explanation'),
    details: z.unknown().optional().describe('For `invalid-request`: `[{ path, message }]`'),
  }),
  requestId: z.string().describe('Also sent as the `X-Request-Id` header; quote it when reporting a problem'),
});
export type ApiErrorBody = z.output<typeof apiErrorBodySchema>;

/** One validation problem, e.g. `{ path: 'body.items[2].name', message: 'Required' }`. */
export interface ValidationDetail {
  path: string;
  message: string;
}

/**
 * Thrown by handlers (and by the server itself) to answer with an error status. The message
 * and details are sent to the client as they are, so they must not carry secrets. `headers`
 * go out with the answer (`Retry-After` on a 503, `Allow` on a 405).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 400–599, got ${status}`);
    }
  }
}
