import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.error';
import { checkKeyFilePermissions, ensureKeyFile, ensurePrivateDir, readKeyFile } from './key-files';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('key files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keyWithMode = (mode: number): string => {
    const file = join(dir, `key-${mode.toString(8)}`);
    writeFileSync(file, 'k3y');
    chmodSync(file, mode);
    return file;
  };

  it.each([0o600, 0o400, 0o700])('reads a key file of mode %o', (mode) => {
    expect(readKeyFile(keyWithMode(mode)).toString()).toBe('k3y');
  });

  it.each([
    [0o644, /readable by group or others \(mode 0644\)/],
    [0o640, /readable by group or others \(mode 0640\)/],
    [0o604, /readable by group or others \(mode 0604\)/],
    [0o620, /writable by group or others \(mode 0620\)/],
    [0o602, /writable by group or others \(mode 0602\)/],
    [0o666, /writable by group or others \(mode 0666\)/],
  ])('refuses a key file of mode %o, naming the file and the fix', (mode, problem) => {
    const file = keyWithMode(mode);
    expect(() => readKeyFile(file)).toThrow(ConfigError);
    expect(() => checkKeyFilePermissions(file)).toThrow(problem);
    expect(() => checkKeyFilePermissions(file)).toThrow(`${file}: key file`);
    expect(() => checkKeyFilePermissions(file)).toThrow(`run \`chmod 600 ${file}\``);
  });

  it('only warns about a readable key file on a read-only mount (a Kubernetes Secret), still refuses a writable one', () => {
    const warnings: unknown[] = [];
    const warn = (msg: string, fields: Record<string, unknown>) => warnings.push({ msg, fields });
    const readable = keyWithMode(0o644);
    expect(() => checkKeyFilePermissions(readable, warn, () => true)).not.toThrow();
    expect(warnings).toEqual([{ msg: expect.stringMatching(/read-only mount/), fields: { file: readable, mode: '0644' } }]);
    expect(() => checkKeyFilePermissions(keyWithMode(0o666), warn, () => true)).toThrow(/writable by group or others/);
    // A writable mount is what an ordinary file lives on: refused.
    expect(() => checkKeyFilePermissions(readable, warn)).toThrow(/readable by group or others/);
  });

  it('refuses a missing key file by name', () => {
    expect(() => readKeyFile(join(dir, 'nope'))).toThrow(/nope: cannot read key file \(ENOENT\)/);
  });

  it('creates a key once, 0600, and reads the same key afterwards', () => {
    const file = join(dir, 'session-secret');
    let made = 0;
    const make = () => `secret-${++made}`;
    expect(ensureKeyFile(file, make)).toBe('secret-1');
    expect(ensureKeyFile(file, make)).toBe('secret-1');
    expect(made).toBe(2); // made, then thrown away by O_EXCL: the file on disk wins
    expect(readFileSync(file, 'utf8')).toBe('secret-1');
    expect(modeOf(file)).toBe(0o600);
  });

  it('refuses an existing key file someone opened up, and an empty one', () => {
    const file = join(dir, 'config-secret-key');
    ensureKeyFile(file, () => 'x');
    chmodSync(file, 0o644);
    expect(() => ensureKeyFile(file, () => 'y')).toThrow(/config-secret-key: key file is readable by group or others/);
    const empty = keyWithMode(0o600);
    writeFileSync(empty, '\n');
    expect(() => ensureKeyFile(empty, () => 'y')).toThrow(/key file is empty/);
  });

  it('creates the data directory 0700 and tightens an open one', () => {
    const data = join(dir, 'data');
    ensurePrivateDir(data);
    expect(modeOf(data)).toBe(0o700);
    chmodSync(data, 0o755);
    const warnings: unknown[] = [];
    ensurePrivateDir(data, { warn: (msg, fields) => warnings.push({ msg, fields }) });
    expect(modeOf(data)).toBe(0o700);
    expect(warnings).toEqual([{ msg: expect.stringMatching(/tightened/), fields: { dir: data, from: '0755', to: '0700' } }]);
  });

  it("keeps others' search bit (not read) when asked, for the postgres OS user under root", () => {
    const data = join(dir, 'data');
    ensurePrivateDir(data);
    chmodSync(data, 0o775);
    ensurePrivateDir(data, { keepOthersSearch: true });
    expect(modeOf(data)).toBe(0o701);
  });
});
