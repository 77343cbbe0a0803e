import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@workpoint/logging';
import type { DataSource } from 'typeorm';

/** One kind of old row a service deletes. */
export interface RetentionSweep {
  /** The table (for logs and counts). */
  name: string;
  /** Deletes at most `limit` rows that are old at `now`; says how many it deleted. */
  deleteBatch(now: Date, limit: number): Promise<number>;
}

export interface RetentionSettings {
  intervalMs: number;
  /** Rows per DELETE statement. */
  batchRows: number;
  /** Batches one sweep may run per run; what is left waits for the next run. */
  maxBatchesPerRun?: number;
}

/**
 * Deletes old rows of one service periodically, in batches of `batchRows`, each its own short
 * statement, so it never holds locks for long and never competes with phones for more than a
 * batch. Safe with several instances: each batch takes its rows with `FOR UPDATE SKIP LOCKED`
 * (see `deleteOldRows`), so two instances share the work instead of waiting on each other.
 *
 * A timer owned by the class (start on bootstrap, stop on shutdown), like the configuration
 * outbox relay, rather than `@nestjs/schedule`: its decorators fix the interval when the class
 * is defined, and a configured interval goes through `SchedulerRegistry.addInterval`, which is
 * this `setInterval` with a name, plus a dependency and a module import in every stage module.
 */
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<Record<string, number>>;

  constructor(
    private readonly service: string,
    private readonly sweeps: readonly RetentionSweep[],
    private readonly settings: RetentionSettings,
    private readonly logger: Logger,
  ) {}

  /**
   * One run of every sweep, at `now`; resolves with the rows deleted per table. A failing sweep
   * (the database away: transient) is logged and retried at the next run — the batches it
   * finished are committed and need not be done again; the other sweeps still run.
   */
  runOnce(now = new Date()): Promise<Record<string, number>> {
    this.running ??= this.sweepAll(now).finally(() => (this.running = undefined));
    return this.running;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweepAll(now: Date): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    const maxBatches = this.settings.maxBatchesPerRun ?? 1000;
    for (const sweep of this.sweeps) {
      deleted[sweep.name] = 0;
      try {
        for (let batch = 0; batch < maxBatches; batch++) {
          const n = await sweep.deleteBatch(now, this.settings.batchRows);
          deleted[sweep.name] += n;
          if (n < this.settings.batchRows) break;
          // Let phones' queries in between two batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        this.logger.warn('retention: deleting old rows failed; retried at the next run', { service: this.service, table: sweep.name, error: String(error) });
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) this.logger.info('retention: old rows deleted', { service: this.service, deleted });
    return deleted;
  }
}

/**
 * A batch DELETE of rows matching `where` (with `$1` = the cutoff), at most `$2` of them,
 * oldest `orderBy` first, taken with `FOR UPDATE SKIP LOCKED` so concurrent instances skip each
 * other's rows. `key` names the columns that identify a row.
 */
export function deleteOldRows(db: Pick<DataSource, 'query'>, table: string, key: string, where: string, orderBy: string) {
  return async (cutoff: Date, limit: number): Promise<number> => {
    const [, deleted] = (await db.query(
      `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    )) as [unknown, number];
    return deleted;
  };
}

/** A sweep of rows older than `keepMs` by `deleteOldRows`. */
export function ageSweep(db: Pick<DataSource, 'query'>, name: string, keepMs: number, key: string, where: string, orderBy: string): RetentionSweep {
  const remove = deleteOldRows(db, name, key, where, orderBy);
  return { name, deleteBatch: (now, limit) => remove(new Date(now.getTime() - keepMs), limit) };
}

/** The job's timing from the environment. */
export function retentionSettingsFrom(env: { RETENTION_INTERVAL_SECONDS: number; RETENTION_BATCH_ROWS: number }): RetentionSettings {
  return { intervalMs: env.RETENTION_INTERVAL_SECONDS * 1000, batchRows: env.RETENTION_BATCH_ROWS };
}
