import { readFileSync } from 'node:fs';

/**
 * The variables that hold a secret. Each may instead be given as `<NAME>_FILE`, the path of a
 * file holding the value (a Docker or Kubernetes secret mount), so the secret never sits in the
 * process environment, `docker inspect` or a pod spec. An explicit list rather than "any
 * X_FILE": TLS_CERT_FILE and TLS_KEY_FILE already name files and are not secrets of their own.
 */
export const SECRET_VARIABLES = [
  'CONFIG_SECRET_KEY',
  'API_ADMIN_KEY',
  'SESSION_SECRET',
  'DATABASE_URL',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SSL_KEY_PASSWORD',
  'KAFKA_OAUTH_CLIENT_SECRET',
  // The CLI's own.
  'WORKPOINT_API_KEY',
] as const;

export interface SecretFilesResult {
  env: Record<string, string>;
  /** One line per bad variable; names the variable and the file, never the content. */
  problems: string[];
}

/**
 * Replaces each `<NAME>_FILE` of `names` with `<NAME>` = the file's content, its trailing
 * newline(s) trimmed. Both set, an unreadable file or an empty one is a problem. Variables not
 * in `names` are passed through untouched (an app only resolves what it uses: the embedded
 * default never reads a Kafka password file).
 */
export function resolveSecretFiles(env: Readonly<Record<string, string>>, names: readonly string[] = SECRET_VARIABLES, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): SecretFilesResult {
  const out = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const fileVar = `${name}_FILE`;
    const file = env[fileVar];
    if (file === undefined) continue;
    delete out[fileVar];
    if (env[name] !== undefined) {
      problems.push(`${name}: set both ${name} and ${fileVar}; set only one`);
      continue;
    }
    let content: string;
    try {
      content = read(file);
    } catch (err) {
      problems.push(`${fileVar}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const value = content.replace(/[\r\n]+$/, '');
    if (value === '') problems.push(`${fileVar}: ${file} is empty`);
    else out[name] = value;
  }
  return { env: out, problems };
}
