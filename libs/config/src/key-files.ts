import { accessSync, chmodSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ConfigError } from './config.error';

/** Where a key-file check reports what it tolerates (e.g. a read-only Secret mount); the logger's warn. */
export type KeyFileWarning = (message: string, fields: Record<string, unknown>) => void;

const GROUP_OTHER_WRITE = 0o022;
const GROUP_OTHER_READ = 0o044;

/**
 * Refuses a key file that group or others may read or write, with the `chmod 600` fix.
 *
 * One exception, warned about instead of refused: a group/other-readable file on a read-only
 * file system. That is how Kubernetes mounts a Secret volume (0644 by default, owned by root,
 * `readOnly`) and how Docker mounts secrets; the process cannot chmod such a file, the mode is
 * the orchestrator's (`defaultMode: 0400` silences the warning), and inside a container no other
 * local user is there to read it. A writable one is refused everywhere: whoever can write the
 * key can swap it.
 */
export function checkKeyFilePermissions(file: string, warn?: KeyFileWarning, readOnlyMount: (file: string) => boolean = onReadOnlyFileSystem): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (err) {
    throw new ConfigError([`${file}: cannot read key file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  const octal = mode.toString(8).padStart(4, '0');
  if ((mode & GROUP_OTHER_WRITE) !== 0) {
    throw new ConfigError([`${file}: key file is writable by group or others (mode ${octal}); run \`chmod 600 ${file}\``]);
  }
  if ((mode & GROUP_OTHER_READ) === 0) return;
  if (readOnlyMount(file)) {
    warn?.('key file is readable by group or others, on a read-only mount (e.g. a Kubernetes Secret); set its mode to 0400/0600 (defaultMode) to silence this', { file, mode: octal });
    return;
  }
  throw new ConfigError([`${file}: key file is readable by group or others (mode ${octal}); run \`chmod 600 ${file}\``]);
}

/** The key file's bytes, after its permissions passed. */
export function readKeyFile(file: string, warn?: KeyFileWarning): Buffer {
  checkKeyFilePermissions(file, warn);
  return readFileSync(file);
}

/**
 * A secret kept in a file: made by `make` and written 0600 when the file does not exist yet,
 * otherwise checked (permissions, not empty) and read. Two processes starting at once agree:
 * only one creates the file (O_EXCL), the other reads it.
 */
export function ensureKeyFile(file: string, make: () => string, warn?: KeyFileWarning): string {
  try {
    writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = readKeyFile(file, warn).toString('utf8').trim();
  if (text === '') throw new ConfigError([`${file}: key file is empty; remove it to have a new one generated`]);
  return text;
}

/**
 * Workpoint's data directory (keys, TLS pair, embedded PostgreSQL): created 0700. One that
 * exists with group/other permissions is tightened to 0700 — it is ours, and the key files in
 * it are checked one by one anyway. `keepOthersSearch` leaves others' search bit (x, not r):
 * run as root, the embedded PostgreSQL runs as the `postgres` OS user, which must walk
 * through this directory to its cluster directory.
 */
export function ensurePrivateDir(dir: string, opts: { keepOthersSearch?: boolean; warn?: KeyFileWarning } = {}): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  const wanted = (mode & 0o700) | (opts.keepOthersSearch ? mode & 0o001 : 0);
  if (mode === wanted) return;
  try {
    chmodSync(dir, wanted);
  } catch (err) {
    throw new ConfigError([
      `${dir}: data directory is open to group or others (mode ${mode.toString(8).padStart(4, '0')}) and cannot be tightened (${(err as NodeJS.ErrnoException).code ?? String(err)}); run \`chmod 700 ${dir}\``,
    ]);
  }
  opts.warn?.('data directory was open to group or others; tightened', { dir, from: mode.toString(8).padStart(4, '0'), to: wanted.toString(8).padStart(4, '0') });
}

function onReadOnlyFileSystem(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return false;
  } catch (err) {
    // The kernel checks a read-only mount before the file's own permission bits.
    return (err as NodeJS.ErrnoException).code === 'EROFS';
  }
}
