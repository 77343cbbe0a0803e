import type { ZodType } from 'zod';
import { ConfigError } from './config.error';

/**
 * Validates the environment once, at boot, into one typed object. This is the only place
 * that reads process.env; a bad value fails the boot with every problem named.
 */
export function loadConfig<T>(schema: ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // An empty variable means "not set", as in docker-compose files with `VAR=`.
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const missing = i.code === 'invalid_type' && i.path.length === 1 && cleaned[String(i.path[0])] === undefined;
        return `${String(i.path[0] ?? '(root)')}: ${missing ? 'required, not set' : i.message}`;
      }),
    );
  }
  return result.data;
}
