import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContactRouter } from '@workpoint/contact-pipeline';
import { ContactMeAttemptedTopic, PhoneChangesReportedTopic, PhoneRegisteredTopic, type TopicContract } from '@workpoint/contracts';
import { OutboxModule, RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import { ContactMeRequestRepository } from './contact-me-request.repository';
import { ContactMeRelay } from './contact-me.relay';
import { ContactMeUseCase } from './contact-me.use-case';
import { InventoryContactUseCase } from './contact.use-case';
import { InventoryController } from './inventory.controller';
import { inventorySweeps } from './inventory.retention';
import { INVENTORY_SCHEMA } from './inventory.schema';
import { INVENTORY_SETTINGS, type InventorySettings } from './inventory.settings';
import { PhoneRepository } from './phone.repository';
import { ReplyFragmentRepository } from './reply-fragment.repository';

/** The topics inventory publishes through its outbox (`inventory.outbox`). */
export const INVENTORY_OUTBOX_TOPICS: readonly TopicContract<unknown>[] = [ContactMeAttemptedTopic, PhoneRegisteredTopic, PhoneChangesReportedTopic] as TopicContract<unknown>[];

/** The inventory service; its process (or the embedded one) supplies bus, database and logger (StageCoreModule). */
@Module({})
export class InventoryModule {
  static forRoot(settings: InventorySettings): DynamicModule {
    const { storage } = settings;
    const retention = storage
      ? [
          {
            provide: RetentionJob,
            useFactory: (db: DataSource, logger: Logger) => new RetentionJob('inventory', inventorySweeps(db, storage), retentionSettingsFrom(storage), logger),
            inject: [DataSource, Logger],
          },
        ]
      : [];
    return {
      module: InventoryModule,
      imports: [TypeOrmModule.forFeature(INVENTORY_SCHEMA.entities), OutboxModule.forFeature(INVENTORY_OUTBOX_TOPICS)],
      controllers: [InventoryController],
      providers: [
        { provide: INVENTORY_SETTINGS, useValue: settings },
        { provide: ContactRouter, useFactory: (bus: Bus, logger: Logger) => new ContactRouter('inventory', bus, logger), inject: [BUS, Logger] },
        PhoneRepository,
        ReplyFragmentRepository,
        ContactMeRequestRepository,
        InventoryContactUseCase,
        ContactMeRelay,
        ContactMeUseCase,
        ...retention,
      ],
    };
  }
}
