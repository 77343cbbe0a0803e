import { type DynamicModule, Module } from '@nestjs/common';
import type { TopicContract } from '@workpoint/contracts';
import { Outbox, OUTBOX_TOPICS } from './outbox';

/**
 * A service's outbox: import `OutboxModule.forFeature([...topics])` and inject `Outbox`. The
 * table (`OutboxEntity`) belongs in the service's own schema: list it in its entities and
 * create it in one of its migrations.
 */
@Module({})
export class OutboxModule {
  static forFeature(topics: readonly TopicContract<unknown>[]): DynamicModule {
    return {
      module: OutboxModule,
      providers: [{ provide: OUTBOX_TOPICS, useValue: topics }, Outbox],
      exports: [Outbox],
    };
  }
}
