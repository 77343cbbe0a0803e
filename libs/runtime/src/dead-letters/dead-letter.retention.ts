import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ageSweep, RetentionJob } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { DEAD_LETTER_SETTINGS, DEFAULT_DEAD_LETTER_RETENTION, type DeadLetterSettings } from './dead-letter.settings';

const DAY_MS = 24 * 3600_000;

/**
 * Forgets old dead letters (the service's `dead_letter` table): those that failed more than
 * `keepDays` ago, except a letter an operator asked to replay and its service has not replayed
 * yet — deleting it would silently drop the request. A replayed letter that fails again is
 * written anew (`failed_at` = then), so it gets the full period once more.
 *
 * The same batch sweep as every other table's retention (`RetentionJob` + `ageSweep`: short
 * DELETEs of `FOR UPDATE SKIP LOCKED` rows, oldest first, over the `dead_letter_failed_at` index),
 * so several instances of a service share the work; the relay's replay pass locks the rows it
 * replays the same way, and the two never wait on each other.
 */
@Injectable()
export class DeadLetterRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RetentionJob;

  constructor(db: DataSource, logger: Logger, @Inject(DEAD_LETTER_SETTINGS) settings: DeadLetterSettings) {
    const { keepDays, intervalMs, batchRows } = settings.retention ?? DEFAULT_DEAD_LETTER_RETENTION;
    const letters = ageSweep(
      db,
      'dead_letter',
      keepDays * DAY_MS,
      'id',
      'failed_at < $1 AND (replay_requested_at IS NULL OR replayed_at IS NOT NULL)',
      'failed_at',
    );
    this.job = new RetentionJob('dead-letters', [letters], { intervalMs, batchRows }, logger);
  }

  /** One sweep at `now`; resolves with the letters deleted (`{ dead_letter: n }`). */
  runOnce(now = new Date()): Promise<Record<string, number>> {
    return this.job.runOnce(now);
  }

  onApplicationBootstrap(): void {
    this.job.onApplicationBootstrap();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.onApplicationShutdown();
  }
}
