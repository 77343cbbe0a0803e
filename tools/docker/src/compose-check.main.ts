import { randomInt, randomUUID } from 'node:crypto';
import { MAX_PHONES_PER_OUI, SIEMENS_OUI, macAddress, runRetryingStorm } from '@workpoint/phone-sim';
import { type KillMatrixRow, lossCount, rowLost, stormWithKill } from '@workpoint/stack';
import { Pool } from 'pg';
import { type ComposeEndpoints, conformanceFlows, type FlowResult, runConformance } from './compose-conformance';
import { ComposeService, parseComposeCommand } from './compose-service';
import { type ComposeCheckSummary, formatComposeCheck } from './compose-check.formatter';

/**
 * `npm run test:compose`'s driver (tools/docker/test-compose.sh starts it once the compose stack
 * is healthy): the operator API's authentication, the protocol flows through the compose
 * gateways, a clean start-up storm, then a storm during which one service container is killed
 * (SIGKILL) and restarted, checked for lost or doubled phones, jobs and events as the kill
 * matrix checks them. Prints a summary; exits 1 when anything failed.
 */
function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function status(url: string, apiKey?: string): Promise<number> {
  const response = await fetch(url, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {});
  await response.arrayBuffer();
  return response.status;
}

async function main(): Promise<number> {
  const log = (line: string) => process.stdout.write(`compose-check: ${line}\n`);
  const endpoints: ComposeEndpoints = {
    urls: env('WORKPOINT_GATEWAY_URLS').split(','),
    dcmpUrls: env('WORKPOINT_DCMP_URLS').split(','),
    apiUrl: env('WORKPOINT_API_URL'),
    apiKey: env('WORKPOINT_API_KEY'),
  };
  const compose = parseComposeCommand(env('WORKPOINT_COMPOSE'));
  const kafkaBrokers = env('KAFKA_BROKERS');
  const phones = Number(env('COMPOSE_STORM_PHONES', '500'));
  const concurrency = Number(env('COMPOSE_STORM_CONCURRENCY', '32'));
  const target = env('COMPOSE_KILL_TARGET', 'configuration');
  if (target !== 'inventory' && target !== 'configuration' && target !== 'deployment') throw new Error('COMPOSE_KILL_TARGET must be inventory, configuration or deployment');

  const db = new Pool({ connectionString: env('DATABASE_URL'), max: 4 });
  db.on('error', () => undefined);
  const macBase = randomInt(0, MAX_PHONES_PER_OUI - 2 * phones - 1000);
  let nextConformanceMac = macBase + 2 * phones;
  try {
    const api = {
      withoutKey: await status(`${endpoints.apiUrl}/api/v1/phones`),
      withKey: await status(`${endpoints.apiUrl}/api/v1/phones`, endpoints.apiKey),
    };
    log(`operator API: ${api.withoutKey} without a key, ${api.withKey} with the admin key`);

    const conformance: FlowResult[] = await runConformance(conformanceFlows(endpoints, db, () => macAddress(SIEMENS_OUI, nextConformanceMac++)));
    for (const r of conformance) log(`${r.ok ? 'pass' : 'FAIL'} ${r.flow}${r.detail ? `: ${r.detail}` : ''}`);

    const profile = await fetch(`${endpoints.apiUrl}/api/v1/profiles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoints.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `compose-check-${randomUUID().slice(0, 8)}`, layer: 'fleet', items: [{ name: 'sntp-addr', value: 'ntp.compose-check.test' }] }),
    });
    if (profile.status !== 201) throw new Error(`POST /api/v1/profiles answered ${profile.status}: ${(await profile.text()).slice(0, 200)}`);

    const storm = await runRetryingStorm({ phones, concurrency, urls: endpoints.urls, macStart: macBase, itemCount: 200, deadlineMs: 600_000 });
    const completed = storm.phones.filter((p) => p.completedMs !== undefined).length;
    log(`storm: ${completed}/${phones} phones started up in ${(storm.wallMs / 1000).toFixed(1)} s`);

    const kill: KillMatrixRow = await stormWithKill(
      endpoints,
      db,
      target,
      new ComposeService(compose, target),
      macBase + phones,
      { kafkaBrokers, phones, concurrency },
      log,
    );

    const summary: ComposeCheckSummary = {
      api,
      conformance,
      storm: { phones, completed, wallMs: storm.wallMs, retried: storm.phones.filter((p) => p.attempts > 1).length },
      kill,
    };
    process.stdout.write(formatComposeCheck(summary));
    const failed = api.withoutKey !== 401 || api.withKey !== 200 || conformance.some((r) => !r.ok) || completed < phones || rowLost(kill);
    if (lossCount(kill.losses) > 0) log(`losses: ${JSON.stringify(kill.losses).slice(0, 2000)}`);
    return failed ? 1 : 0;
  } finally {
    await db.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`compose-check: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
