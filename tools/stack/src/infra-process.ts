import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { REPO_ROOT } from './app-process';

/**
 * kill -9 and restart of the broker and the database that tools/infra started, keeping their
 * ports and data (tools/infra's own `stop` deletes the data, so it cannot serve a crash test).
 * The restarted processes are left where tools/infra finds them: `kafka.sh stop` and
 * `postgres.sh stop` (with-infra.sh's exit) still stop them.
 */
export interface KillableProcess {
  readonly name: string;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** Start it again on the same ports and data; resolves when it serves again. */
  restart(): Promise<void>;
}

const run = promisify(execFile);

/** Where tools/infra keeps its state (its `RUN_DIR`). */
export function infraRunDir(): string {
  return process.env['WORKPOINT_RUN_DIR'] ?? join(REPO_ROOT, 'tmp', 'infra');
}

/** The single Kafka broker of tools/infra/kafka.sh. */
export class InfraKafka implements KillableProcess {
  readonly name = 'broker';
  private argv?: string[];

  constructor(
    private readonly brokers: string,
    private readonly stateDir = join(infraRunDir(), 'kafka'),
  ) {}

  private get pidFile(): string {
    return join(this.stateDir, 'kafka.pid');
  }

  async kill(): Promise<void> {
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    this.argv = commandLine(pid);
    if (!this.argv.some((arg) => arg.endsWith('server.properties'))) throw new Error(`pid ${pid} in ${this.pidFile} is not the test broker`);
    await killAll([pid]);
  }

  async restart(timeoutMs = 180_000): Promise<void> {
    if (!this.argv) throw new Error('the broker was not killed by this process');
    const log = openSync(join(this.stateDir, 'stdout.log'), 'a');
    const [command, ...args] = this.argv;
    const child = spawn(command!, args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    writeFileSync(this.pidFile, `${child.pid}\n`);
    await waitUntil(timeoutMs, `the broker at ${this.brokers}`, () => kafkaAnswers(this.brokers));
  }
}

/** The PostgreSQL of tools/infra/postgres.sh (postmaster and every backend: a crash of the database host). */
export class InfraPostgres implements KillableProcess {
  readonly name = 'postgres';
  private binDir?: string;

  constructor(
    private readonly databaseUrl: string,
    private readonly stateDir = join(infraRunDir(), 'postgres'),
  ) {}

  private dataDir(): string {
    const pathFile = join(this.stateDir, 'data.path');
    return existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : join(this.stateDir, 'data');
  }

  async kill(): Promise<void> {
    const data = this.dataDir();
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    this.binDir = dirname(readlinkSync(`/proc/${postmaster}/exe`));
    await killAll([postmaster, ...childrenOf(postmaster)]);
  }

  async restart(timeoutMs = 120_000): Promise<void> {
    if (!this.binDir) throw new Error('PostgreSQL was not killed by this process');
    const data = this.dataDir();
    const pgCtl = [join(this.binDir, 'pg_ctl'), '-D', data, '-l', join(data, 'server.log'), '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-s', 'start'];
    // PostgreSQL refuses to run as root; tools/infra runs it as the postgres OS user then.
    const [command, ...args] = process.getuid?.() === 0 ? ['setsid', 'runuser', '-u', 'postgres', '--', ...pgCtl] : ['setsid', ...pgCtl];
    await run(command!, args, { cwd: '/', timeout: timeoutMs });
    await waitUntil(timeoutMs, 'PostgreSQL', () => postgresAnswers(this.databaseUrl));
  }
}

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.length > 0);
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name before it may contain spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked: not a child any more.
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitUntil(30_000, `pids ${pids.join(', ')} to exit`, async () => !pids.some(alive));
}

async function waitUntil(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function kafkaAnswers(brokers: string): Promise<boolean> {
  const [host, port] = brokers.split(',')[0]!.split(':');
  if (!(await portOpen(host!, Number(port)))) return false;
  const admin = new Kafka({ brokers: brokers.split(','), clientId: 'kill-matrix-probe', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function postgresAnswers(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
