import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { FIXED_TOPICS } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus, classifyFailure, DeadLetterEntity, type DeadLetterRow } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import { DEAD_LETTER_SETTINGS, type DeadLetterSettings } from './dead-letter.settings';
import { DeadLetterStore } from './dead-letter.store';
import { withContextOf } from '@workpoint/tracing';

const BATCH = 20;

/**
 * Replays the letters an operator asked for (`workpoint dlq replay`: `replay_requested_at` set):
 * re-publishes each original to its source topic, with its headers, and marks it replayed in
 * the same transaction. The rows are taken with FOR UPDATE SKIP LOCKED, so several instances
 * of the service share the work and none replays a letter another holds; a crash between the
 * publish and the commit replays it once more (handlers are idempotent). Only the service that
 * owns the row can open a sealed original, which is why the replay happens here and not in the CLI.
 */
@Injectable()
export class DeadLetterReplayRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly store: DeadLetterStore,
    @Inject(BUS) private readonly bus: Bus,
    private readonly logger: Logger,
    @Inject(DEAD_LETTER_SETTINGS) private readonly settings: DeadLetterSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.kick(), this.settings.replayIntervalMs ?? 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): Promise<void> {
    this.running ??= this.drain()
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn('dead-letter replay pass failed; trying again at the next one', { error: String(error) }),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Replays what is asked for, batch by batch; returns how many letters it replayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.db.transaction(async (manager) => {
        const letters = manager.getRepository<DeadLetterRow>(DeadLetterEntity);
        const due = await letters
          .createQueryBuilder('letter')
          .where('letter.replayRequestedAt IS NOT NULL')
          .andWhere('letter.replayedAt IS NULL')
          .orderBy('letter.replayRequestedAt')
          .limit(BATCH)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        for (const letter of due) {
          try {
            await this.replay(letter);
            await letters.update({ id: letter.id }, { replayedAt: new Date() });
          } catch (error) {
            // The broker away: roll back, the next pass tries again. Anything else is the letter's
            // own (no contract, not JSON, fails its schema, sealed without a key here): drop the request.
            if (classifyFailure(error) === 'transient') throw error;
            this.logger.error('dead letter cannot be replayed; replay request dropped', { id: letter.id, topic: letter.sourceTopic, error: String(error) });
            await letters.update({ id: letter.id }, { replayRequestedAt: null });
          }
        }
        return due.length;
      });
      total += done;
      if (done < BATCH) return total;
    }
  }

  private async replay(letter: DeadLetterRow): Promise<void> {
    const topic = FIXED_TOPICS.find((t) => t.name === letter.sourceTopic);
    if (!topic) throw new Error(`dead letter ${letter.id}: no topic contract named ${letter.sourceTopic}`);
    // In the trace of the message that failed: its stored traceparent is the replay's parent.
    await withContextOf(letter.headers, () => this.bus.publish(topic, letter.key ?? '', JSON.parse(this.store.original(letter)) as unknown, letter.headers));
    this.logger.info('dead letter replayed', { id: letter.id, topic: letter.sourceTopic, mac: letter.key });
  }
}
