import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The built `workpoint` CLI, as an operator runs it. */
export const CLI = join(__dirname, '..', 'apps', 'cli', 'dist', 'main.js');

/** Runs the built CLI with `args` and `env`; resolves with its exit status and output, whatever the status. */
export async function runWorkpointCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
