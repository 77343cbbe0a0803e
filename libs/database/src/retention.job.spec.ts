import { capturingLogger } from '@workpoint/testing';
import { RetentionJob, type RetentionSweep } from './retention.job';

/** A table of `rows` old rows; each batch deletes up to the limit. */
function table(name: string, rows: number, calls: number[] = []): RetentionSweep & { left: () => number } {
  let left = rows;
  return {
    name,
    left: () => left,
    deleteBatch: async (_now, limit) => {
      const n = Math.min(left, limit);
      left -= n;
      calls.push(n);
      return n;
    },
  };
}

describe('RetentionJob', () => {
  it('deletes in batches until a batch comes back short, table by table', async () => {
    const calls: number[] = [];
    const reports = table('phone_report', 25, calls);
    const attempts = table('contact_me_attempt', 0);
    const job = new RetentionJob('inventory', [reports, attempts], { intervalMs: 1000, batchRows: 10 }, capturingLogger().logger);
    expect(await job.runOnce(new Date())).toEqual({ phone_report: 25, contact_me_attempt: 0 });
    expect(calls).toEqual([10, 10, 5]);
  });

  it('stops a table after maxBatchesPerRun; the rest waits for the next run', async () => {
    const reports = table('phone_report', 100);
    const job = new RetentionJob('inventory', [reports], { intervalMs: 1000, batchRows: 10, maxBatchesPerRun: 3 }, capturingLogger().logger);
    expect(await job.runOnce(new Date())).toEqual({ phone_report: 30 });
    expect(reports.left()).toBe(70);
  });

  it('logs a failing table as transient and still sweeps the others', async () => {
    const { logger, lines } = capturingLogger();
    const broken: RetentionSweep = { name: 'read_request', deleteBatch: async () => Promise.reject(new Error('connection refused')) };
    const fragments = table('reply_fragment', 3);
    const job = new RetentionJob('inventory', [broken, fragments], { intervalMs: 1000, batchRows: 10 }, logger);
    expect(await job.runOnce(new Date())).toEqual({ read_request: 0, reply_fragment: 3 });
    expect(lines.map((l) => JSON.parse(l) as { level: string; msg: string; table?: string })).toContainEqual(
      expect.objectContaining({ level: 'warn', table: 'read_request' }),
    );
  });

  it('runs once at a time: a run asked for during a run shares it', async () => {
    let release!: () => void;
    let batches = 0;
    const slow: RetentionSweep = {
      name: 'phone_history',
      deleteBatch: async () => {
        batches++;
        await new Promise<void>((r) => (release = r));
        return 0;
      },
    };
    const job = new RetentionJob('configuration', [slow], { intervalMs: 1000, batchRows: 10 }, capturingLogger().logger);
    const first = job.runOnce(new Date());
    const second = job.runOnce(new Date());
    await new Promise((r) => setImmediate(r));
    release();
    expect(await first).toEqual(await second);
    expect(batches).toBe(1);
  });
});
