import { randomInt, randomUUID } from 'node:crypto';
import { JOB_TOPICS } from '@workpoint/contracts';
import { MAX_PHONES_PER_OUI, macAddress, SIEMENS_OUI, runRetryingStorm } from '@workpoint/phone-sim';
import { Pool } from 'pg';
import { InfraKafka, InfraPostgres, type KillableProcess } from '../infra-process';
import { type RunningStack, startDistributed } from '../stack';
import { checkFleet, type FleetLosses, lossCount, type QueuedCommand } from './fleet.check';

/** What can be killed: the broker, the database, each service, and the first of two gateways. */
export const KILL_TARGETS = ['broker', 'postgres', 'inventory', 'configuration', 'deployment', 'gateway-1'] as const;
export type KillTarget = (typeof KILL_TARGETS)[number];

export interface KillMatrixOptions {
  kafkaBrokers: string;
  databaseUrl: string;
  /** Phones per storm (each target gets its own, never seen before). */
  phones: number;
  /** Phones trying at once. */
  concurrency: number;
  targets?: readonly KillTarget[];
  /** The target is killed when this share of the fleet has completed. Default 0.15. */
  killAfter?: number;
  /** How long the target stays dead before its restart. Default 2 s. */
  downMs?: number;
  /** One phone in this many also gets a FileDeployment job. Default 50. */
  deploymentEvery?: number;
  /** Bound on one storm. Default 15 min. */
  stormDeadlineMs?: number;
  /** How long the checks may wait for relays and consumers to catch up. Default 120 s. */
  settleMs?: number;
  logDir?: string;
  log?: (line: string) => void;
}

/** One line of the kill matrix. */
export interface KillMatrixRow {
  target: KillTarget;
  phones: number;
  completed: number;
  /** Phones that needed at least one retry. */
  delayed: number;
  /** Of the delayed phones, the longest time from first attempt to completion. */
  longestDelayMs: number;
  mostAttempts: number;
  /** From the kill to the target serving again. */
  outageMs: number;
  jobs: number;
  losses: FleetLosses;
}

export function rowLost(row: KillMatrixRow): boolean {
  return row.completed < row.phones || lossCount(row.losses) > 0;
}

const PROFILE_ITEM = { name: 'sntp-addr', value: 'ntp.kill-matrix.test' };

/** Starts the distributed stack on the given broker and database, then storms and kills target after target. */
export async function runKillMatrix(options: KillMatrixOptions): Promise<KillMatrixRow[]> {
  const log = options.log ?? (() => undefined);
  const targets = options.targets ?? KILL_TARGETS;
  if (options.phones * targets.length > MAX_PHONES_PER_OUI) throw new Error('too many phones for one OUI');
  const stack = await startDistributed({
    kafkaBrokers: options.kafkaBrokers,
    databaseUrl: options.databaseUrl,
    gateways: 2,
    ...(options.logDir ? { logDir: options.logDir } : {}),
  });
  const db = new Pool({ connectionString: options.databaseUrl, max: 2 });
  // Queries of a killed database fail; the pool must not bring the run down meanwhile.
  db.on('error', () => undefined);
  const rows: KillMatrixRow[] = [];
  try {
    log(`stack up: gateways ${stack.urls.join(', ')}, API ${stack.apiUrl}`);
    // tools/infra's PostgreSQL runs with synchronous_commit=off, which lets a crash of the server
    // lose the last commits it had confirmed: a loss no real deployment has, and one the matrix
    // would blame on Workpoint. Production durability for the run (fsync stays off: a process
    // crash keeps what reached the OS).
    await db.query('ALTER SYSTEM SET synchronous_commit = on');
    await db.query('SELECT pg_reload_conf()');
    await api(stack, 'POST', '/api/v1/profiles', { name: `kill-matrix-${randomUUID().slice(0, 8)}`, layer: 'fleet', items: [PROFILE_ITEM] }, 201);
    const macBase = randomInt(0, MAX_PHONES_PER_OUI - options.phones * targets.length);
    for (const [i, target] of targets.entries()) {
      rows.push(await killDuringStorm(stack, db, target, macBase + i * options.phones, options, log));
    }
  } finally {
    await db.end();
    await stack.stop();
  }
  return rows;
}

function killDuringStorm(stack: RunningStack, db: Pool, target: KillTarget, macStart: number, options: KillMatrixOptions, log: (line: string) => void): Promise<KillMatrixRow> {
  return stormWithKill(stack, db, target, killable(stack, target, options), macStart, options, log);
}

/** The phones and the API a storm goes to: a stack started here, or one running elsewhere (compose). */
export type StormEndpoints = Pick<RunningStack, 'urls' | 'apiUrl' | 'apiKey'>;

/**
 * One line of the matrix against any running deployment: queues the jobs, storms, kills `victim`
 * (a process here, or a container: tools/docker's compose test) when `killAfter` of the fleet has
 * completed, restarts it, and checks the fleet against the database and the topics.
 */
export async function stormWithKill(
  stack: StormEndpoints,
  db: Pool,
  target: KillTarget,
  victim: KillableProcess,
  macStart: number,
  options: Omit<KillMatrixOptions, 'databaseUrl' | 'targets'>,
  log: (line: string) => void,
): Promise<KillMatrixRow> {
  const { phones } = options;
  const commands = await queueJobs(stack, db, macStart, phones, options.deploymentEvery ?? 50);
  log(`${target}: ${commands.length} jobs queued for ${phones} phones`);

  const killAt = Math.max(1, Math.floor(phones * (options.killAfter ?? 0.15)));
  let completed = 0;
  let outage: Promise<number> | undefined;
  const storm = await runRetryingStorm({
    phones,
    concurrency: options.concurrency,
    urls: stack.urls,
    macStart,
    itemCount: 200,
    deadlineMs: options.stormDeadlineMs ?? 15 * 60_000,
    onAttempt: (phone) => {
      if (phone.completedMs !== undefined) completed++;
      if (!outage && completed >= killAt) outage = killAndRestart(victim, options.downMs ?? 2_000, log);
    },
  });
  const outageMs = outage ? await outage : 0;
  const done = storm.phones.filter((p) => p.completedMs !== undefined);
  log(`${target}: storm over in ${(storm.wallMs / 1000).toFixed(1)} s, ${done.length}/${phones} completed; checking`);

  const losses = await settle(() => checkFleet(db, options.kafkaBrokers, storm.phones, commands), options.settleMs ?? 120_000);
  const delayed = done.filter((p) => p.attempts > 1);
  const row: KillMatrixRow = {
    target,
    phones,
    completed: done.length,
    delayed: delayed.length,
    longestDelayMs: Math.max(0, ...delayed.map((p) => p.completedMs! - p.firstStartMs)),
    mostAttempts: Math.max(0, ...storm.phones.map((p) => p.attempts)),
    outageMs,
    jobs: commands.length,
    losses,
  };
  log(`${target}: ${JSON.stringify({ ...row, losses: Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, (v as string[]).slice(0, 5)])) })}`);
  return row;
}

function killable(stack: RunningStack, target: KillTarget, options: KillMatrixOptions): KillableProcess {
  switch (target) {
    case 'broker':
      return new InfraKafka(options.kafkaBrokers);
    case 'postgres':
      return new InfraPostgres(options.databaseUrl);
    case 'inventory':
    case 'configuration':
    case 'deployment':
    case 'gateway-1': {
      const process = stack.processes.find((p) => p.name === target);
      if (!process) throw new Error(`no process named ${target}`);
      return process;
    }
    default: {
      const unknown: never = target;
      throw new Error(`unknown target ${String(unknown)}`);
    }
  }
}

/** kill -9, a pause, the restart; resolves with the time from the kill until it serves again. */
async function killAndRestart(victim: KillableProcess, downMs: number, log: (line: string) => void): Promise<number> {
  const killedAt = Date.now();
  await victim.kill();
  log(`${victim.name}: killed (SIGKILL)`);
  await new Promise((r) => setTimeout(r, downMs));
  await victim.restart();
  const outageMs = Date.now() - killedAt;
  log(`${victim.name}: serving again ${(outageMs / 1000).toFixed(1)} s after the kill`);
  return outageMs;
}

/** Queues a ReadItems job per phone on configuration and a FileDeployment on deployment for every n-th, through the operator API's command route; waits until each is a job. */
async function queueJobs(stack: StormEndpoints, db: Pool, macStart: number, phones: number, deploymentEvery: number): Promise<QueuedCommand[]> {
  const commands: (QueuedCommand & { items: { name: string; value: string | null }[] })[] = [];
  for (let i = 0; i < phones; i++) {
    const mac = macAddress(SIEMENS_OUI, macStart + i);
    commands.push({ stage: 'configuration', requestId: randomUUID(), mac, action: 'ReadItems', items: [{ name: 'e164', value: null }, { name: 'sntp-addr', value: null }] });
    if (i % deploymentEvery === 0) {
      commands.push({
        stage: 'deployment',
        requestId: randomUUID(),
        mac,
        action: 'FileDeployment',
        items: [
          { name: 'file-https-base-url', value: `https://files.kill-matrix.test/media/ring-${i}.wav` },
          { name: 'file-type', value: 'RINGTONE' },
        ],
      });
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < commands.length) {
        const { stage, requestId, mac, action, items } = commands[next++]!;
        await api(stack, 'POST', `/api/v1/commands/${JOB_TOPICS[stage].requested.name}`, { requestId, mac, action, items, contactMe: false, requestedBy: 'kill-matrix' }, 202);
      }
    }),
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM configuration.configuration_job WHERE request_id = ANY($1::uuid[]))::int
            + (SELECT count(*) FROM deployment.deployment_job WHERE request_id = ANY($1::uuid[]))::int AS n`,
      [commands.map((c) => c.requestId)],
    );
    if (rows[0]!.n >= commands.length) break;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${commands.length} job commands became jobs within 180 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return commands.map(({ stage, requestId, mac, action }) => ({ stage, requestId, mac, action }));
}

async function api(stack: StormEndpoints, method: string, path: string, body: unknown, expected: number): Promise<void> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
}

/** Re-checks until nothing is missing or the time is up: relays and consumers may still be catching up after a restart. */
async function settle(check: () => Promise<FleetLosses>, settleMs: number): Promise<FleetLosses> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    let losses: FleetLosses;
    try {
      losses = await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 2_000));
      continue;
    }
    if (lossCount(losses) === 0 || Date.now() > deadline) return losses;
    await new Promise((r) => setTimeout(r, 3_000));
  }
}
