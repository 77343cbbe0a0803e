import { parseArgs } from 'node:util';
import { WPI_ACTIONS, type WpiAction, type WpiItem } from '@workpoint/wpi-codec';
import type { ContactMeListenOptions } from './contact-me.listener';
import type { FileDeploymentReport } from './file-deployment.items';
import { firmwareFamily } from './firmware-family.catalog';
import { splitMac } from './mac-address.util';
import type { DeploymentOutcome, PhoneBehaviourOptions } from './phone-behaviour.options';
import type { PhoneOptions } from './phone.options';

export const CLI_COMMANDS = [
  'startup',
  'solicited',
  'local-changes',
  'inventory-changes',
  'status',
  'clean-up',
  'interact',
  'stray-reply',
  'listen',
  'dcmp-poll',
  'families',
] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

/** Everything a command line asks for, validated. */
export interface CliArguments {
  command: CliCommand;
  phone: Omit<PhoneOptions, 'onWire'>;
  storm: { phones: number; concurrency: number; deadlineMs: number; macPrefix: string; macStart: number };
  items: WpiItem[];
  files: FileDeploymentReport[];
  attached?: boolean;
  reason?: string;
  cleanupReason?: string;
  reply: { action: string; status: string };
  idleAfterMs?: number;
  startUpAfterRestart: boolean;
  listen: ContactMeListenOptions & { count?: number };
  dcmp: { url?: string; count: number; intervalMs: number };
  verbose: boolean;
  json: boolean;
}

export type CliParse = { kind: 'help' } | { kind: 'error'; message: string } | { kind: 'run'; args: CliArguments };

/** Reasons thrown while reading the arguments; everything else is a bug. */
class UsageError extends Error {}

const OPTIONS = {
  url: { type: 'string', multiple: true },
  phones: { type: 'string', default: '1' },
  concurrency: { type: 'string', default: '1' },
  items: { type: 'string', default: '200' },
  mac: { type: 'string', default: '00:1A:E8:00:00:01' },
  e164: { type: 'string' },
  family: { type: 'string' },
  'device-type': { type: 'string' },
  'software-version': { type: 'string' },
  'configuration-changed': { type: 'boolean', default: false },
  'keep-alive': { type: 'boolean', default: false },
  'cookie-quirk': { type: 'boolean', default: false },
  'no-tls-resume': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '30000' },
  'max-exchanges': { type: 'string' },
  deadline: { type: 'string', default: '300000' },
  item: { type: 'string', multiple: true },
  file: { type: 'string', multiple: true },
  attached: { type: 'boolean' },
  'flag-only': { type: 'boolean' },
  reason: { type: 'string' },
  'cleanup-reason': { type: 'string' },
  'reply-action': { type: 'string', default: 'WriteItems' },
  'reply-status': { type: 'string', default: 'accepted' },
  'fragment-size': { type: 'string' },
  busy: { type: 'boolean', default: false },
  'idle-after': { type: 'string' },
  'unknown-item': { type: 'string', multiple: true },
  'read-only': { type: 'string', multiple: true },
  'item-status': { type: 'string', multiple: true },
  refuse: { type: 'string', multiple: true },
  'file-status': { type: 'string' },
  'software-status': { type: 'string' },
  'download-files': { type: 'boolean', default: false },
  'status-in-same-interaction': { type: 'boolean', default: false },
  'no-follow-ups': { type: 'boolean', default: false },
  'max-follow-ups': { type: 'string' },
  'follow-up-delay': { type: 'string' },
  'start-up-after-restart': { type: 'boolean', default: false },
  'switch-mac-to': { type: 'string' },
  'reply-to-action': { type: 'string' },
  'endless-fragments': { type: 'boolean', default: false },
  'listen-host': { type: 'string', default: '127.0.0.1' },
  'listen-port': { type: 'string', default: '8085' },
  'advertised-host': { type: 'string' },
  'refuse-with': { type: 'string' },
  'response-delay': { type: 'string' },
  'no-call-back': { type: 'boolean', default: false },
  'call-back-delay': { type: 'string' },
  'dcmp-url': { type: 'string' },
  count: { type: 'string' },
  interval: { type: 'string', default: '60000' },
  verbose: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseCliArguments(argv: string[]): CliParse {
  try {
    return read(argv);
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'error', message: error.message };
    throw error;
  }
}

function read(argv: string[]): CliParse {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // parseArgs only throws for malformed command lines (unknown option, missing value).
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length !== 1 || !(CLI_COMMANDS as readonly string[]).includes(positionals[0])) {
    throw new UsageError(`expected one command: ${CLI_COMMANDS.join(', ')}`);
  }
  const command = positionals[0] as CliCommand;
  const urls = values.url ?? [];
  if (urls.length === 0 && command !== 'families') throw new UsageError('--url is required');
  if (values.attached && values['flag-only']) throw new UsageError('--attached and --flag-only exclude each other');
  const phones = integer(values.phones, '--phones');
  if (phones > 1 && command !== 'startup') throw new UsageError('--phones is only for startup');
  if (command === 'interact' && values.reason === undefined) throw new UsageError('interact needs --reason');
  if (command === 'dcmp-poll' && values['dcmp-url'] === undefined) throw new UsageError('dcmp-poll needs --dcmp-url');
  const files = (values.file ?? []).map(fileArgument);
  if (command === 'status' && files.length === 0) throw new UsageError('status needs at least one --file');
  let first: { prefix: string; nic: number };
  try {
    first = splitMac(values.mac);
    if (values.family !== undefined) firmwareFamily(values.family);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const behaviour: PhoneBehaviourOptions = {
    ...(values['fragment-size'] !== undefined ? { fragmentSize: integer(values['fragment-size'], '--fragment-size') } : {}),
    busy: values.busy,
    ...(values['unknown-item'] ? { unknownItems: values['unknown-item'] } : {}),
    ...(values['read-only'] ? { readOnlyItems: values['read-only'] } : {}),
    ...(values['item-status'] ? { itemStatuses: Object.fromEntries(values['item-status'].map(itemStatusArgument)) } : {}),
    ...(values.refuse ? { refusedActions: values.refuse.map((action) => actionArgument(action, '--refuse')) } : {}),
    ...(values['file-status'] !== undefined ? { fileDeploymentStatus: outcome(values['file-status'], '--file-status') } : {}),
    ...(values['software-status'] !== undefined ? { softwareDeploymentStatus: outcome(values['software-status'], '--software-status') } : {}),
    downloadFiles: values['download-files'],
    statusInSameInteraction: values['status-in-same-interaction'],
    followUps: !values['no-follow-ups'],
    ...(values['max-follow-ups'] !== undefined ? { maxFollowUps: integer(values['max-follow-ups'], '--max-follow-ups', 0) } : {}),
    ...(values['follow-up-delay'] !== undefined ? { followUpDelayMs: integer(values['follow-up-delay'], '--follow-up-delay', 0) } : {}),
    misbehave: {
      ...(values['switch-mac-to'] !== undefined ? { switchMacTo: values['switch-mac-to'] } : {}),
      ...(values['reply-to-action'] !== undefined ? { replyToAction: values['reply-to-action'] } : {}),
      ...(values['endless-fragments'] ? { endlessFragments: true } : {}),
    },
  };
  const phone: Omit<PhoneOptions, 'onWire'> = {
    mac: values.mac,
    urls,
    itemCount: integer(values.items, '--items', 0),
    ...(values.e164 !== undefined ? { e164: values.e164 } : {}),
    ...(values.family !== undefined ? { family: values.family } : {}),
    ...(values['device-type'] !== undefined ? { deviceType: values['device-type'] } : {}),
    ...(values['software-version'] !== undefined ? { softwareVersion: values['software-version'] } : {}),
    configurationChanged: values['configuration-changed'],
    keepAlive: values['keep-alive'],
    cookieQuirk: values['cookie-quirk'],
    tlsSessionReuse: !values['no-tls-resume'],
    timeoutMs: integer(values.timeout, '--timeout'),
    ...(values['max-exchanges'] !== undefined ? { maxExchanges: integer(values['max-exchanges'], '--max-exchanges') } : {}),
    behaviour,
  };
  return {
    kind: 'run',
    args: {
      command,
      phone,
      storm: {
        phones,
        concurrency: integer(values.concurrency, '--concurrency'),
        deadlineMs: integer(values.deadline, '--deadline'),
        macPrefix: first.prefix,
        macStart: first.nic,
      },
      items: (values.item ?? []).map(itemArgument),
      files,
      ...(values.attached ? { attached: true } : values['flag-only'] ? { attached: false } : {}),
      ...(values.reason !== undefined ? { reason: values.reason } : {}),
      ...(values['cleanup-reason'] !== undefined ? { cleanupReason: values['cleanup-reason'] } : {}),
      reply: { action: values['reply-action'], status: values['reply-status'] },
      ...(values['idle-after'] !== undefined ? { idleAfterMs: integer(values['idle-after'], '--idle-after', 0) } : {}),
      startUpAfterRestart: values['start-up-after-restart'],
      listen: {
        host: values['listen-host'],
        port: integer(values['listen-port'], '--listen-port', 0),
        ...(values['advertised-host'] !== undefined ? { advertisedHost: values['advertised-host'] } : {}),
        ...(values['refuse-with'] !== undefined ? { refuseWith: integer(values['refuse-with'], '--refuse-with', 100) } : {}),
        ...(values['response-delay'] !== undefined ? { responseDelayMs: integer(values['response-delay'], '--response-delay', 0) } : {}),
        callBack: !values['no-call-back'],
        ...(values['call-back-delay'] !== undefined ? { callBackDelayMs: integer(values['call-back-delay'], '--call-back-delay', 0) } : {}),
        ...(command === 'listen' && values.count !== undefined ? { count: integer(values.count, '--count') } : {}),
      },
      dcmp: {
        ...(values['dcmp-url'] !== undefined ? { url: values['dcmp-url'] } : {}),
        count: command === 'dcmp-poll' && values.count !== undefined ? integer(values.count, '--count') : 1,
        intervalMs: integer(values.interval, '--interval', 0),
      },
      verbose: values.verbose,
      json: values.json,
    },
  };
}

/** `name=value` or `name#index=value`; the value may be empty and may contain `=`. */
export function itemArgument(text: string): WpiItem {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--item "${text}" is not name=value or name#index=value`);
  const { name, index } = nameAndIndex(text.slice(0, eq), '--item');
  const value = text.slice(eq + 1);
  return { name, ...(index !== undefined ? { index } : {}), value: value === '' ? null : value };
}

/** `name:type[:status]`; the status defaults to ok. */
export function fileArgument(text: string): FileDeploymentReport {
  const [name, type, status = 'ok', ...rest] = text.split(':');
  if (!name || !type || rest.length > 0) throw new UsageError(`--file "${text}" is not name:type[:status]`);
  return { name, type, status };
}

function itemStatusArgument(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--item-status "${text}" is not name[#index]=status`);
  const { name, index } = nameAndIndex(text.slice(0, eq), '--item-status');
  return [index !== undefined ? `${name}#${index}` : name, text.slice(eq + 1)];
}

function nameAndIndex(text: string, flag: string): { name: string; index?: number } {
  const match = /^([^#\s]+)(?:#(\d+))?$/.exec(text);
  if (!match) throw new UsageError(`${flag}: "${text}" is not a name or name#index`);
  return { name: match[1], ...(match[2] !== undefined ? { index: Number(match[2]) } : {}) };
}

function actionArgument(text: string, flag: string): WpiAction {
  const action = WPI_ACTIONS.find((candidate) => candidate === text);
  if (!action) throw new UsageError(`${flag}: "${text}" is not one of ${WPI_ACTIONS.join(', ')}`);
  return action;
}

function outcome(text: string, flag: string): DeploymentOutcome {
  if (text !== 'ok' && text !== 'failed') throw new UsageError(`${flag} must be ok or failed, got "${text}"`);
  return text;
}

function integer(text: string, flag: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}
