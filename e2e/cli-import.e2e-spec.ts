import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { distinctMacs, randomMac } from '@workpoint/testing';
import { embedded, type RunningMode } from './conformance-harness';
import { CLI, runWorkpointCli } from './workpoint-cli';

/**
 * The operator's bulk import as shipped: the `workpoint` CLI against a running Workpoint,
 * streaming the file to the API and showing progress, all or nothing, idempotent.
 */

function workpoint(mode: RunningMode, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWorkpointCli([...args, '--url', mode.stack.apiUrl], { ...process.env, WORKPOINT_API_KEY: mode.stack.apiKey });
}

describe('workpoint import (CLI) against the embedded mode', () => {
  let mode: RunningMode;
  let dir: string;
  beforeAll(async () => {
    mode = await embedded.start();
    dir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-import-'));
  });
  afterAll(async () => {
    await mode?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks, applies and re-applies a 2,000-line file: created, then unchanged', async () => {
    const macs = distinctMacs(2000);
    const file = join(dir, 'phones.csv');
    writeFileSync(file, ['mac,e164,model,site,tags,user', ...macs.map((m, i) => `${m},+49897${String(i).padStart(5, '0')},OpenStage 60,munich,sales|floor-2,User ${i}`)].join('\n'));

    const dryRun = await workpoint(mode, 'import', file, '--dry-run', '--json');
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dryRun: true, lines: 2000, created: 2000, errors: [] });
    const listed = await fetch(`${mode.stack.apiUrl}/api/v1/phones?tag=floor-2&site=munich&limit=1`, { headers: { authorization: `Bearer ${mode.stack.apiKey}` } });
    expect(((await listed.json()) as { phones: unknown[] }).phones).toEqual([]);

    const applied = await workpoint(mode, 'import', file, '--json');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ dryRun: false, created: 2000, updated: 0, unchanged: 0 });
    expect(applied.stderr).toContain('2000');

    const again = await workpoint(mode, 'import', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 2000 });
  });

  it('refuses a file with bad lines, names them, and applies nothing', async () => {
    const good = randomMac();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, ['mac,profile', `${good},`, 'not-a-mac,', `${good},`, `${randomMac()},no-such-profile`].join('\n'));
    const result = await workpoint(mode, 'import', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('line 3');
    expect(result.stdout).toContain('line 4');
    expect(result.stdout).toContain('line 5');
    const phone = await fetch(`${mode.stack.apiUrl}/api/v1/phones/${good}`, { headers: { authorization: `Bearer ${mode.stack.apiKey}` } });
    expect(phone.status).toBe(404);
  });

  it('says so when the key is wrong', async () => {
    const file = join(dir, 'one.csv');
    writeFileSync(file, `mac\n${randomMac()}\n`);
    const { code, stderr } = await promisify(execFile)('node', [CLI, 'import', file, '--url', mode.stack.apiUrl, '--key', 'wpk_000000000000_' + 'A'.repeat(43)]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/401|unauthenticated/);
  });
});
