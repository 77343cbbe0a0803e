import { type DynamicModule, Module } from '@nestjs/common';
import { ContactRouter } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';
import { InventoryContactUseCase } from './contact.use-case';
import { ContactMeUseCase, type ContactMeSettings } from './contact-me.use-case';
import { InventoryController } from './inventory.controller';
import { inventorySweeps } from './inventory.retention';
import { PhoneRepository } from './phone.repository';
import { ReplyFragmentRepository } from './reply-fragment.repository';

export interface InventoryDeps {
  bus: Bus;
  dataSource: DataSource;
  logger: Logger;
  contactMe: ContactMeSettings;
  /** Reply byte cap and retention; left out (stage tests), the defaults apply and no retention job runs. */
  storage?: StorageEnv;
}

/** The inventory service; its process (or the embedded one) supplies bus, database and logger. */
@Module({})
export class InventoryModule {
  static register(deps: InventoryDeps): DynamicModule {
    const phones = new PhoneRepository(deps.dataSource);
    const { storage } = deps;
    const retention = storage
      ? [{ provide: RetentionJob, useValue: new RetentionJob('inventory', inventorySweeps(deps.dataSource, storage), retentionSettingsFrom(storage), deps.logger) }]
      : [];
    return {
      module: InventoryModule,
      controllers: [InventoryController],
      providers: [
        {
          provide: InventoryContactUseCase,
          useValue: new InventoryContactUseCase(phones, new ReplyFragmentRepository(deps.dataSource), deps.bus, deps.logger, deps.contactMe.policy, storage?.REPLY_MAX_BYTES),
        },
        { provide: ContactRouter, useValue: new ContactRouter('inventory', deps.bus, deps.logger) },
        { provide: ContactMeUseCase, useValue: new ContactMeUseCase(phones, deps.dataSource, deps.bus, deps.logger, deps.contactMe) },
        ...retention,
      ],
    };
  }
}
