import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeadLetterEntity } from '@workpoint/messaging';
import { DeadLetterReplayRelay } from './dead-letter-replay.relay';
import { DeadLetterRetention } from './dead-letter.retention';
import { DEAD_LETTER_SETTINGS, type DeadLetterSettings } from './dead-letter.settings';
import { DeadLetterStore } from './dead-letter.store';

/** A stage's durable dead letters: the store its failure path writes to, the replay relay, and their retention. */
@Module({})
export class DeadLetterModule {
  static forRoot(settings: DeadLetterSettings): DynamicModule {
    return {
      module: DeadLetterModule,
      imports: [TypeOrmModule.forFeature([DeadLetterEntity])],
      providers: [{ provide: DEAD_LETTER_SETTINGS, useValue: settings }, DeadLetterStore, DeadLetterReplayRelay, DeadLetterRetention],
      exports: [DeadLetterStore, DeadLetterReplayRelay, DeadLetterRetention],
    };
  }
}
