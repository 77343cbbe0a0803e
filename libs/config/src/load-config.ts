import type { ZodType } from 'zod';
import { ConfigError } from './config.error';
import { resolveSecretFiles, SECRET_VARIABLES } from './secret-files';

/**
 * Validates the environment once, at boot, into one typed object. This is the only place
 * that reads process.env; a bad value fails the boot with every problem named. Secret
 * variables may come from files (`<NAME>_FILE`, secret-files.ts).
 */
export function loadConfig<T>(schema: ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // An empty variable means "not set", as in docker-compose files with `VAR=`.
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  // Only the secrets this schema reads: a Kafka password file means nothing to the embedded default.
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  const secrets = shape ? SECRET_VARIABLES.filter((name) => name in shape) : SECRET_VARIABLES;
  const resolved = resolveSecretFiles(cleaned, secrets);
  if (resolved.problems.length > 0) throw new ConfigError(resolved.problems);
  const result = schema.safeParse(resolved.env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const missing = i.code === 'invalid_type' && i.path.length === 1 && resolved.env[String(i.path[0])] === undefined;
        return `${String(i.path[0] ?? '(root)')}: ${missing ? 'required, not set' : i.message}`;
      }),
    );
  }
  return result.data;
}
