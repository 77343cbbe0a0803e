import type { WorkpointApp } from '@workpoint/contracts';
import type { KafkaTopicsCommand } from './kafka-topics.command';
import { WORKPOINT_APPS } from './kafka-topic.plan';

export const DEFAULT_API_URL = 'http://127.0.0.1:18082';

export const USAGE = `Usage: workpoint import <file.csv> [options]
       workpoint api-key
       workpoint dlq list [--service S] [--topic T] [--json] [--data-dir DIR]
       workpoint dlq show <id> [--json] [--data-dir DIR]
       workpoint dlq replay <id> [--no-wait] [--data-dir DIR]
       workpoint kafka-topics [--script] [--partitions N] [--replication-factor N]
                              [--gateway-ids ID,…] [--principal-prefix P] [--apps APP,…]

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

dlq lists, shows and replays the dead letters each service keeps in its own schema
(inventory, configuration, deployment). It reads them through DATABASE_URL (the database
the services use), or, with --data-dir DIR, from the embedded PostgreSQL of the embedded
default running on that data directory (its WORKPOINT_DATA_DIR, default ./data; Workpoint
must be running). Originals are shown masked or not at all (sealed with the service's
CONFIG_SECRET_KEY). replay asks the owning service to re-publish the original to its topic,
and waits until it has (--no-wait: do not).

kafka-topics prints what a Kafka administrator creates when the apps may not
(KAFKA_CREATE_TOPICS=false): every topic with its partitions, replication and configs, the
ACLs of each app's principal (<prefix><app>, default User:workpoint-gateway,
User:workpoint-inventory, …), and the broker settings Workpoint relies on; as a table, or
with --script as kafka-topics.sh / kafka-acls.sh commands (BOOTSTRAP, COMMAND_CONFIG).
--partitions must match the apps' KAFKA_TOPIC_PARTITIONS (default 12); --gateway-ids lists
the GATEWAY_ID of each gateway instance (each has its own response topic); --apps limits
the output to some of gateway, inventory, configuration, deployment.

Exit status: 0 done, 1 the file has errors (nothing applied) or no such dead letter / it
cannot be replayed, 2 usage error, 3 HTTP, authentication, network or database error, or the
service did not replay in time.
`;

/** What main reads from the environment, once. */
export interface CliEnv {
  apiUrl?: string;
  apiKey?: string;
  /** DATABASE_URL, for dlq. */
  databaseUrl?: string;
}

export interface ImportCommand {
  kind: 'import';
  file: string;
  dryRun: boolean;
  json: boolean;
  url: URL;
  key: string;
}

/** The services that keep dead letters, by schema name. */
export const DLQ_SERVICES = ['inventory', 'configuration', 'deployment'] as const;
export type DlqService = (typeof DLQ_SERVICES)[number];

/** Where dlq finds the services' database: DATABASE_URL, or the embedded default's data directory (`--data-dir`). */
export type DlqDatabase = { databaseUrl: string } | { dataDir: string };

export type DlqCommand = DlqDatabase &
  (
    | { kind: 'dlq-list'; service?: DlqService; topic?: string; json: boolean }
    | { kind: 'dlq-show'; id: string; json: boolean }
    | { kind: 'dlq-replay'; id: string; wait: boolean }
  );

export type CliCommand = { kind: 'help' } | { kind: 'api-key' } | { kind: 'usage-error'; message: string } | ImportCommand | DlqCommand | KafkaTopicsCommand;

const FLAGS = ['--dry-run', '--json', '--no-wait', '--script'] as const;
const VALUED = ['--url', '--key', '--service', '--topic', '--data-dir', '--partitions', '--replication-factor', '--gateway-ids', '--principal-prefix', '--apps'] as const;
const KAFKA_TOPICS_OPTIONS = ['--script', '--partitions', '--replication-factor', '--gateway-ids', '--principal-prefix', '--apps'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (command === 'dlq') {
    return parseDlq(operands, flags, values, env);
  }
  if (command === 'kafka-topics') {
    return parseKafkaTopics(operands, flags, values);
  }
  const misplaced = KAFKA_TOPICS_OPTIONS.find((option) => flags.has(option) || values.has(option));
  if (misplaced !== undefined) {
    return usageError(`${command} takes no ${misplaced}`);
  }
  if (command !== 'import') {
    return usageError(`unknown command '${command}'`);
  }
  const foreign = ['--no-wait', '--service', '--topic', '--data-dir'].find((option) => flags.has(option) || values.has(option));
  if (foreign !== undefined) {
    return usageError(`import takes no ${foreign}`);
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

function parseDlq(operands: string[], flags: Set<string>, values: Map<string, string>, env: CliEnv): CliCommand {
  const [sub, ...rest] = operands;
  const allowed: Record<string, { flags: string[]; values: string[]; operands: number }> = {
    list: { flags: ['--json'], values: ['--service', '--topic', '--data-dir'], operands: 0 },
    show: { flags: ['--json'], values: ['--data-dir'], operands: 1 },
    replay: { flags: ['--no-wait'], values: ['--data-dir'], operands: 1 },
  };
  const rule = sub === undefined ? undefined : allowed[sub];
  if (sub === undefined || rule === undefined) {
    return usageError(sub === undefined ? 'dlq needs list, show or replay' : `unknown dlq command '${sub}'`);
  }
  const stray = [...flags].find((f) => !rule.flags.includes(f)) ?? [...values.keys()].find((v) => !rule.values.includes(v));
  if (stray !== undefined) {
    return usageError(`dlq ${sub} takes no ${stray}`);
  }
  if (rest.length !== rule.operands) {
    return usageError(rule.operands === 0 ? `dlq ${sub} takes no arguments` : `dlq ${sub} needs one dead-letter id`);
  }
  // An explicit data directory wins over a DATABASE_URL left in the environment.
  const dataDir = values.get('--data-dir');
  const database: DlqDatabase | undefined = dataDir ? { dataDir } : env.databaseUrl ? { databaseUrl: env.databaseUrl } : undefined;
  if (!database) {
    return usageError('no database: set DATABASE_URL (the one the services use), or pass --data-dir (the embedded default\'s data directory)');
  }
  if (sub === 'list') {
    const service = values.get('--service');
    if (service !== undefined && !(DLQ_SERVICES as readonly string[]).includes(service)) {
      return usageError(`--service must be one of ${DLQ_SERVICES.join(', ')}`);
    }
    const topic = values.get('--topic');
    return { kind: 'dlq-list', ...database, json: flags.has('--json'), ...(service ? { service: service as DlqService } : {}), ...(topic ? { topic } : {}) };
  }
  const id = rest[0]!;
  if (!UUID.test(id)) {
    return usageError(`not a dead-letter id: ${id}`);
  }
  return sub === 'show'
    ? { kind: 'dlq-show', ...database, id: id.toLowerCase(), json: flags.has('--json') }
    : { kind: 'dlq-replay', ...database, id: id.toLowerCase(), wait: !flags.has('--no-wait') };
}

function parseKafkaTopics(operands: string[], flags: Set<string>, values: Map<string, string>): CliCommand {
  const stray = [...flags, ...values.keys()].find((option) => !KAFKA_TOPICS_OPTIONS.includes(option));
  if (stray !== undefined) return usageError(`kafka-topics takes no ${stray}`);
  if (operands.length > 0) return usageError('kafka-topics takes no arguments');
  const count = (name: string, fallback: number, max: number): number | string => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    return /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= max ? Number(text) : `${name} must be a whole number from 1 to ${max}`;
  };
  const partitions = count('--partitions', 12, 1000);
  const replicationFactor = count('--replication-factor', 3, 9);
  if (typeof partitions === 'string') return usageError(partitions);
  if (typeof replicationFactor === 'string') return usageError(replicationFactor);
  const list = (name: string) => (values.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const gatewayIds = list('--gateway-ids');
  const badId = gatewayIds.find((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
  if (badId !== undefined) return usageError(`not a GATEWAY_ID: ${badId}`);
  const apps = list('--apps');
  const badApp = apps.find((app) => !(WORKPOINT_APPS as string[]).includes(app));
  if (badApp !== undefined) return usageError(`--apps must name some of ${WORKPOINT_APPS.join(', ')}`);
  const prefix = values.get('--principal-prefix') ?? 'User:workpoint-';
  const principals = Object.fromEntries(WORKPOINT_APPS.map((app) => [app, `${prefix}${app}`])) as Record<WorkpointApp, string>;
  return { kind: 'kafka-topics', script: flags.has('--script'), partitions, replicationFactor, gatewayIds, principals, ...(apps.length > 0 ? { apps: apps as WorkpointApp[] } : {}) };
}

function usageError(message: string): CliCommand {
  return { kind: 'usage-error', message };
}
