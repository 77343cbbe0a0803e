import { apiErrorBodySchema } from '@workpoint/http-api';

// The import contract is the server's own (libs/contracts); the CLI reads it from there.
export { ImportProgressSchema, ImportResultSchema, ImportStreamMessageSchema, type ImportProgress, type ImportResult } from '@workpoint/contracts';

/** Known message types; others are skipped, so a newer server can add some. */
export const KNOWN_STREAM_TYPES: readonly unknown[] = ['progress', 'result'];

/** Body of every non-200 answer of the operator API. */
export const ApiErrorBodySchema = apiErrorBodySchema.partial({ requestId: true });
