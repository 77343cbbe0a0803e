#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { splitMac } from './mac-address.util';
import type { WireEvent } from './phone.options';
import { SimulatedPhone } from './phone.simulator';
import { runStorm } from './storm.runner';
import { formatInteraction, formatStormSummary } from './storm-summary.formatter';

const USAGE = `usage: phone-sim startup --url <https://host:18443/DeploymentService/LoginService> [options]

  --url <url>              service URL; repeat it to spread exchanges over several gateways
                           (exchange k of an interaction goes to url[k % count])
  --phones <n>             distinct phones doing one start-up each (default 1)
  --concurrency <n>        interactions in flight at once (default 1)
  --items <n>              items in the ReadAllItems reply (default 200)
  --mac <mac>              MAC of the (first) phone (default 00:1A:E8:00:00:01; storms count up from it)
  --device-type <text>     default "OpenStage 60"
  --software-version <v>   default "V3 R5.12.0"
  --configuration-changed  send configuration-changed-flag=true
  --keep-alive             one kept-alive connection per interaction instead of Connection: close
  --no-tls-resume          full TLS handshake on every connection (default: a phone may resume
                           its own session within one interaction)
  --cookie-quirk           echo cookies with "; path=/" appended, as some firmware does
  --timeout <ms>           per exchange (default 30000)
  --deadline <ms>          bound on a whole storm (default 300000)
  --verbose                one phone: print every request and response; storm: print failed interactions
  --json                   print the result as JSON instead of text

Exit code: 0 all interactions ok, 1 any failed, 2 usage error.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', multiple: true },
        phones: { type: 'string', default: '1' },
        concurrency: { type: 'string', default: '1' },
        items: { type: 'string', default: '200' },
        mac: { type: 'string', default: '00:1A:E8:00:00:01' },
        'device-type': { type: 'string' },
        'software-version': { type: 'string' },
        'configuration-changed': { type: 'boolean', default: false },
        'keep-alive': { type: 'boolean', default: false },
        'cookie-quirk': { type: 'boolean', default: false },
        'no-tls-resume': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '30000' },
        deadline: { type: 'string', default: '300000' },
        verbose: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'startup') return usageError('expected the command "startup"');
  const urls = values.url ?? [];
  if (urls.length === 0) return usageError('--url is required');
  const phones = positiveInteger(values.phones, '--phones');
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  const itemCount = positiveInteger(values.items, '--items', 0);
  const timeoutMs = positiveInteger(values.timeout, '--timeout');
  const deadlineMs = positiveInteger(values.deadline, '--deadline');
  if (typeof phones === 'string') return usageError(phones);
  if (typeof concurrency === 'string') return usageError(concurrency);
  if (typeof itemCount === 'string') return usageError(itemCount);
  if (typeof timeoutMs === 'string') return usageError(timeoutMs);
  if (typeof deadlineMs === 'string') return usageError(deadlineMs);
  let first;
  try {
    first = splitMac(values.mac);
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const phoneSettings = {
    urls,
    itemCount,
    deviceType: values['device-type'],
    softwareVersion: values['software-version'],
    configurationChanged: values['configuration-changed'],
    keepAlive: values['keep-alive'],
    cookieQuirk: values['cookie-quirk'],
    tlsSessionReuse: !values['no-tls-resume'],
    timeoutMs,
  };

  if (phones === 1) {
    const phone = new SimulatedPhone({
      ...phoneSettings,
      mac: values.mac,
      onWire: values.verbose ? printWire : undefined,
    });
    const result = await phone.startUp();
    process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : formatInteraction(result)}\n`);
    return result.ok ? 0 : 1;
  }

  const result = await runStorm({
    ...phoneSettings,
    phones,
    concurrency,
    macPrefix: first.prefix,
    macStart: first.nic,
    deadlineMs,
    onResult: values.verbose
      ? (interaction) => {
          if (!interaction.ok) process.stdout.write(`${formatInteraction(interaction)}\n`);
        }
      : undefined,
  });
  process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : formatStormSummary(result)}\n`);
  return result.completedOk === phones ? 0 : 1;
}

function printWire(event: WireEvent): void {
  const title =
    event.direction === 'request'
      ? `--> POST ${event.url}`
      : `<-- HTTP ${event.status} from ${event.url}`;
  const headers = Object.entries(event.headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `    ${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
    .join('\n');
  process.stdout.write(`${title}\n${headers}\n\n${event.body}\n\n`);
}

function positiveInteger(text: string, flag: string, min = 1): number | string {
  const value = Number(text);
  return Number.isInteger(value) && value >= min ? value : `${flag} must be an integer ≥ ${min}, got "${text}"`;
}

function usageError(message: string): number {
  process.stderr.write(`phone-sim: ${message}\n\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`phone-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
