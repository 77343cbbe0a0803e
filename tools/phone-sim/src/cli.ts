#!/usr/bin/env node
import { abortableDelay } from './abortable-delay.util';
import { parseCliArguments, type CliArguments } from './cli-arguments.parser';
import { CLI_USAGE } from './cli-usage.text';
import type { ContactMeRequest } from './contact-me.listener';
import { FIRMWARE_FAMILIES, firmwareFamily } from './firmware-family.catalog';
import type { InteractionResult } from './interaction-result.types';
import type { WireEvent } from './phone.options';
import { SimulatedPhone } from './phone.simulator';
import { runStorm } from './storm.runner';
import { formatInteraction, formatStormSummary } from './storm-summary.formatter';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArguments(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') return usageError(parsed.message);
  const args = parsed.args;
  if (args.command === 'families') {
    for (const family of FIRMWARE_FAMILIES) process.stdout.write(`${family.name.padEnd(18)} ${family.deviceType}, ${family.softwareVersion}\n`);
    return 0;
  }
  if (args.command === 'startup' && args.storm.phones > 1) return storm(args);

  let phone: SimulatedPhone;
  try {
    phone = new SimulatedPhone({ ...args.phone, onWire: args.verbose ? printWire : undefined });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (args.command === 'listen') return listen(phone, args);
  if (args.command === 'dcmp-poll') return dcmpPoll(phone, args);

  const results = [await interaction(phone, args)];
  // What the phone would do next on its own, once the interaction (and its follow-ups) ended.
  if (args.idleAfterMs !== undefined && phone.solicitedPending) {
    await abortableDelay(args.idleAfterMs);
    const callBack = await phone.becomeIdle();
    if (callBack) results.push(callBack);
  }
  if (args.startUpAfterRestart && phone.pendingReboot !== undefined) results.push(await phone.startUp());
  print(results, args);
  return results.every(allOk) ? 0 : 1;
}

function interaction(phone: SimulatedPhone, args: CliArguments): Promise<InteractionResult> {
  switch (args.command) {
    case 'startup':
      return phone.startUp();
    case 'solicited':
      return phone.solicited();
    case 'local-changes':
      return phone.localChanges({
        ...(args.items.length > 0 ? { items: args.items } : {}),
        ...(args.attached !== undefined ? { attached: args.attached } : {}),
      });
    case 'inventory-changes':
      return args.items.length > 0 ? phone.inventoryChanges(args.items) : phone.inventoryChanges();
    case 'status':
      return phone.sendStatus(args.files);
    case 'clean-up':
      return args.cleanupReason !== undefined ? phone.cleanUp(args.cleanupReason) : phone.cleanUp();
    case 'interact':
      return phone.interact(args.reason ?? '', args.items);
    case 'stray-reply':
      return phone.strayReplyTo(args.reply.action, args.reply.status);
    case 'listen':
    case 'dcmp-poll':
    case 'families':
      throw new Error(`${args.command} is not a single interaction`);
  }
}

async function storm(args: CliArguments): Promise<number> {
  const { phone } = args;
  const family = phone.family !== undefined ? firmwareFamily(phone.family) : undefined;
  const result = await runStorm({
    urls: phone.urls,
    itemCount: phone.itemCount,
    deviceType: phone.deviceType ?? family?.deviceType,
    softwareVersion: phone.softwareVersion ?? family?.softwareVersion,
    configurationChanged: phone.configurationChanged,
    keepAlive: phone.keepAlive,
    cookieQuirk: phone.cookieQuirk,
    tlsSessionReuse: phone.tlsSessionReuse,
    timeoutMs: phone.timeoutMs,
    maxExchanges: phone.maxExchanges,
    phones: args.storm.phones,
    concurrency: args.storm.concurrency,
    macPrefix: args.storm.macPrefix,
    macStart: args.storm.macStart,
    deadlineMs: args.storm.deadlineMs,
    onResult: args.verbose
      ? (interaction) => {
          if (!interaction.ok) process.stdout.write(`${formatInteraction(interaction)}\n`);
        }
      : undefined,
  });
  process.stdout.write(`${args.json ? JSON.stringify(result, null, 2) : formatStormSummary(result)}\n`);
  return result.completedOk === args.storm.phones ? 0 : 1;
}

/** Serves contact-me until Ctrl-C / SIGTERM, or until --count call-backs have finished. */
async function listen(phone: SimulatedPhone, args: CliArguments): Promise<number> {
  const { count, ...options } = args.listen;
  const results: InteractionResult[] = [];
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const listener = await phone.listenForContactMe({
    ...options,
    onAnswered: (request) => {
      reportContactMe(request, args);
      void request.callBack?.then((result) => {
        results.push(result);
        print([result], args);
        if (count !== undefined && results.length >= count) stop();
      });
    },
  });
  process.stderr.write(`phone-sim: ${phone.mac} listening for contact-me at ${listener.url}\n`);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await stopped;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await listener.close();
  return results.every(allOk) ? 0 : 1;
}

async function dcmpPoll(phone: SimulatedPhone, args: CliArguments): Promise<number> {
  let ok = true;
  for (let poll = 0; poll < args.dcmp.count; poll++) {
    if (poll > 0) await abortableDelay(args.dcmp.intervalMs);
    const result = await phone.pollDcmp(args.dcmp.url!);
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(`GET ${result.url}: ${result.status !== undefined ? `HTTP ${result.status}` : 'no answer'} → ${result.outcome}${result.error ? ` (${result.error})` : ''}\n`);
      if (result.interaction) process.stdout.write(`${formatInteraction(result.interaction)}\n`);
    }
    ok &&= result.outcome === 'idle' || (result.outcome === 'solicited' && result.interaction !== undefined && allOk(result.interaction));
  }
  return ok ? 0 : 1;
}

function reportContactMe(request: ContactMeRequest, args: CliArguments): void {
  if (args.json) return;
  const target = request.dlsIpAddr !== undefined || request.dlsIpPort !== undefined ? ` dls_ip ${request.dlsIpAddr ?? ''}:${request.dlsIpPort ?? ''}` : '';
  process.stdout.write(
    `${request.receivedAt.toISOString()} ${request.method} ${request.path} ContactMe=${request.contactMe}${target} → ${request.answeredStatus ?? 'pending'}${request.callBack ? ', calling back' : ''}\n`,
  );
}

function print(results: InteractionResult[], args: CliArguments): void {
  for (const result of results) process.stdout.write(`${args.json ? JSON.stringify(result, null, 2) : formatInteraction(result)}\n`);
}

/** The interaction and every follow-up it caused. */
function allOk(result: InteractionResult): boolean {
  return result.ok && (result.followUp === undefined || allOk(result.followUp));
}

function printWire(event: WireEvent): void {
  const title = event.direction === 'request' ? `--> POST ${event.url}` : `<-- HTTP ${event.status} from ${event.url}`;
  const headers = Object.entries(event.headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `    ${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
    .join('\n');
  process.stdout.write(`${title}\n${headers}\n\n${event.body}\n\n`);
}

function usageError(message: string): number {
  process.stderr.write(`phone-sim: ${message}\n\n${CLI_USAGE}\n`);
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
