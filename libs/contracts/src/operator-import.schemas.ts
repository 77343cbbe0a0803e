import { z } from 'zod';

/**
 * The operator API's bulk import (`POST /api/v1/imports`), shared by the server and the
 * `workpoint` CLI. With `Accept: application/x-ndjson` the answer is zero or more progress
 * messages, then exactly one result; otherwise the result alone.
 */
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
  /** Nothing is applied when there is any error or a fatal problem. */
  errors: z.array(z.object({ line: z.number().int(), column: z.string().optional(), message: z.string() })),
  fatal: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

export const ImportStreamMessageSchema = z.discriminatedUnion('type', [ImportProgressSchema, ImportResultSchema]);
export type ImportStreamMessage = z.infer<typeof ImportStreamMessageSchema>;
