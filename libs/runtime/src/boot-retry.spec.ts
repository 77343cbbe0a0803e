import { capturingLogger } from '@workpoint/testing';
import { retryAtBoot } from './boot-retry';

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

function clock() {
  let t = 0;
  const pauses: number[] = [];
  return { pauses, now: () => t, sleep: async (ms: number) => void (pauses.push(ms), (t += ms)) };
}

describe('retryAtBoot', () => {
  it('retries a failing step with doubling pauses until it succeeds, logging each failure', async () => {
    const { logger, lines } = capturingLogger('boot');
    const c = clock();
    let calls = 0;
    const result = await retryAtBoot(
      'open the database',
      async () => {
        if (++calls < 4) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return 'open';
      },
      { timeoutMs: 60_000, baseDelayMs: 100, maxDelayMs: 300, ...c },
      logger,
    );
    expect(result).toBe('open');
    expect(c.pauses).toEqual([100, 200, 300]);
    expect(parsed(lines).filter((l) => l['msg'] === 'open the database: not possible yet; retrying')).toHaveLength(3);
  });

  it('gives up with the last error once the timeout is spent', async () => {
    const { logger, lines } = capturingLogger('boot');
    const c = clock();
    await expect(retryAtBoot('create the topics', async () => Promise.reject(new Error('no broker')), { timeoutMs: 1000, baseDelayMs: 400, maxDelayMs: 400, ...c }, logger)).rejects.toThrow('no broker');
    // 400 + 400 + the 200 left: never past the timeout.
    expect(c.pauses).toEqual([400, 400, 200]);
    expect(parsed(lines).some((l) => l['msg'] === 'create the topics: giving up')).toBe(true);
  });

  it('makes one attempt with a timeout of 0', async () => {
    const { logger } = capturingLogger('boot');
    const c = clock();
    await expect(retryAtBoot('x', async () => Promise.reject(new Error('down')), { timeoutMs: 0, ...c }, logger)).rejects.toThrow('down');
    expect(c.pauses).toEqual([]);
  });
});
