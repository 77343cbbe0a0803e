import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { PortTakenError } from './free-port';

export const REPO_ROOT = resolve(__dirname, '../../..');
/** Output of the current run kept in memory, to tell why it exited during start-up (a port taken: Node's EADDRINUSE, PostgreSQL's words). */
const TAIL_CHARS = 16_384;

/** One Workpoint app running as its own process, its output in `<logDir>/<name>.log`. */
export class AppProcess {
  private child: ChildProcess;
  private exited: Promise<number | null>;
  /** Its health URL, once `waitReady` was given one; `restart` waits on it again. */
  private readyUrl?: string;
  /** The end of the current run's output, and when its output streams closed (all of it read). */
  private tail = '';
  private closed: Promise<void> = Promise.resolve();

  private constructor(
    readonly name: string,
    private readonly app: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    this.child = this.launch();
    this.exited = exitOf(this.child);
  }

  static spawn(name: string, app: string, env: Record<string, string>, logDir: string): AppProcess {
    mkdirSync(logDir, { recursive: true });
    return new AppProcess(name, app, env, join(logDir, `${name}.log`));
  }

  private launch(): ChildProcess {
    const out = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', this.app, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    this.tail = '';
    const keep = (chunk: Buffer) => void (this.tail = (this.tail + chunk.toString('utf8')).slice(-TAIL_CHARS));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.closed = new Promise((r) => child.once('close', () => r()));
    return child;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts it again, after a stop or a kill, with the same environment (ports, ids, keys), and waits until it is ready. */
  async restart(timeoutMs?: number): Promise<void> {
    if (this.running) throw new Error(`${this.name} is still running`);
    this.child = this.launch();
    this.exited = exitOf(this.child);
    if (this.readyUrl) await this.waitReady(this.readyUrl, timeoutMs);
  }

  /** The health URL given to `waitReady` (its /readyz), if any. */
  get probeUrl(): string | undefined {
    return this.readyUrl;
  }

  /** The exit code of its last run (null while running, or when a signal ended it). */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls a health URL until it answers 200, failing early if the process dies. */
  async waitReady(url: string, timeoutMs = 90_000): Promise<void> {
    this.readyUrl = url;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        await this.closed;
        if (/EADDRINUSE|Address already in use/.test(this.tail)) throw new PortTakenError(`${this.name} exited during start-up: a port it was given was taken meanwhile; see ${this.logFile}`);
        throw new Error(`${this.name} exited during start-up; see ${this.logFile}`);
      }
      if ((await probe(url)) === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms; see ${this.logFile}`);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL (kill -9): no shutdown hook runs, as when the machine or the OOM killer takes it. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
