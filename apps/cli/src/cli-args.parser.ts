export const DEFAULT_API_URL = 'http://127.0.0.1:18082';

export const USAGE = `Usage: workpoint import <file.csv> [options]
       workpoint api-key

api-key prints a new, random API key in the form the configuration service takes as
API_ADMIN_KEY (only its hash is stored there).

import 
sends a CSV of phones (columns mac, e164, model, site, tags, user, profile) to the Workpoint
operator API. The server validates every line; nothing is applied unless all lines are valid.

Options:
  --dry-run      validate and count only; change nothing
  --json         print the result as JSON instead of a report
  --url <url>    operator API (env WORKPOINT_API_URL, default ${DEFAULT_API_URL})
  --key <key>    API key (env WORKPOINT_API_KEY; prefer the variable: arguments show in ps)
  -h, --help     show this help

Exit status: 0 done, 1 the file has errors (nothing applied), 2 usage error,
3 HTTP, authentication or network error.
`;

/** What main reads from the environment, once. */
export interface CliEnv {
  apiUrl?: string;
  apiKey?: string;
}

export interface ImportCommand {
  kind: 'import';
  file: string;
  dryRun: boolean;
  json: boolean;
  url: URL;
  key: string;
}

export type CliCommand = { kind: 'help' } | { kind: 'api-key' } | { kind: 'usage-error'; message: string } | ImportCommand;

const FLAGS = ['--dry-run', '--json'] as const;
const VALUED = ['--url', '--key'] as const;

export function parseCliArgs(argv: readonly string[], env: CliEnv): CliCommand {
  if (argv.includes('--help') || argv.includes('-h')) {
    return { kind: 'help' };
  }
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if ((FLAGS as readonly string[]).includes(name)) {
      if (equals !== -1) {
        return usageError(`${name} takes no value`);
      }
      flags.add(name);
    } else if ((VALUED as readonly string[]).includes(name)) {
      const value = equals === -1 ? argv[++i] : arg.slice(equals + 1);
      if (value === undefined || value === '') {
        return usageError(`${name} needs a value`);
      }
      values.set(name, value);
    } else {
      return usageError(`unknown option ${name}`);
    }
  }

  const [command, ...operands] = positional;
  if (command === undefined) {
    return usageError('missing command');
  }
  if (command === 'api-key') {
    return operands.length === 0 && flags.size === 0 && values.size === 0 ? { kind: 'api-key' } : usageError('api-key takes no arguments');
  }
  if (command !== 'import') {
    return usageError(`unknown command '${command}'`);
  }
  if (operands.length !== 1) {
    return usageError(operands.length === 0 ? 'import needs a CSV file' : `import takes one file, got ${operands.length}`);
  }

  const rawUrl = values.get('--url') ?? (env.apiUrl || DEFAULT_API_URL);
  const url = URL.canParse(rawUrl) ? new URL(rawUrl) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return usageError(`not an http(s) URL: ${rawUrl}`);
  }
  const key = values.get('--key') ?? env.apiKey;
  if (!key) {
    return usageError('no API key: set WORKPOINT_API_KEY or pass --key');
  }
  return { kind: 'import', file: operands[0], dryRun: flags.has('--dry-run'), json: flags.has('--json'), url, key };
}

function usageError(message: string): CliCommand {
  return { kind: 'usage-error', message };
}
