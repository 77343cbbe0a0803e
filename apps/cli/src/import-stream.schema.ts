import { z } from 'zod';

// The operator API's import contract as the CLI reads it: POST /api/v1/imports answers NDJSON,
// zero or more progress messages, then exactly one result. Should the server side put this
// contract in a shared library, the CLI imports it from there and this file goes.

export const ImportProgressSchema = z.object({
  type: z.literal('progress'),
  phase: z.enum(['validate', 'apply']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

const count = z.number().int().nonnegative();

export const ImportResultSchema = z.object({
  type: z.literal('result'),
  dryRun: z.boolean(),
  lines: count,
  valid: count,
  created: count,
  updated: count,
  unchanged: count,
  errors: z.array(z.object({ line: z.number().int(), column: z.string().optional(), message: z.string() })),
  fatal: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** Known message types; others are skipped, so a newer server can add some. */
export const ImportStreamMessageSchema = z.discriminatedUnion('type', [ImportProgressSchema, ImportResultSchema]);
export const KNOWN_STREAM_TYPES: readonly unknown[] = ['progress', 'result'];

/** Body of every non-200 answer of the operator API. */
export const ApiErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  requestId: z.string().optional(),
});
