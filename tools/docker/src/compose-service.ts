import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KillableProcess } from '@workpoint/stack';

const run = promisify(execFile);

/** How to call compose for the stack under test: the program and its leading arguments (`-p`, `-f`). */
export interface ComposeCommand {
  program: string;
  args: string[];
}

/** `WORKPOINT_COMPOSE` as test-compose.sh exports it: words separated by single spaces, no quoting. */
export function parseComposeCommand(text: string): ComposeCommand {
  const [program, ...args] = text.split(' ').filter(Boolean);
  if (!program) throw new Error('WORKPOINT_COMPOSE is empty');
  return { program, args };
}

export async function compose(command: ComposeCommand, ...args: string[]): Promise<string> {
  const { stdout } = await run(command.program, [...command.args, ...args], { maxBuffer: 16 * 1048576 });
  return stdout;
}

/**
 * One compose service as a kill-matrix victim: SIGKILL to its container, then `start` and wait
 * until Docker reports its health check healthy (the image's HEALTHCHECK: /readyz answers 200).
 */
export class ComposeService implements KillableProcess {
  constructor(
    private readonly command: ComposeCommand,
    readonly name: string,
    private readonly healthyWithinMs = 180_000,
  ) {}

  async kill(): Promise<void> {
    await compose(this.command, 'kill', '-s', 'SIGKILL', this.name);
  }

  async restart(): Promise<void> {
    await compose(this.command, 'start', this.name);
    const deadline = Date.now() + this.healthyWithinMs;
    for (;;) {
      const ids = (await compose(this.command, 'ps', '-q', this.name)).split('\n').filter(Boolean);
      const states = await Promise.all(ids.map(async (id) => (await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim()));
      if (states.length > 0 && states.every((s) => s === 'healthy')) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy ${this.healthyWithinMs} ms after its restart (${states.join(', ')})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
