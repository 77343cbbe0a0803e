import { type DynamicModule, Module } from '@nestjs/common';
import { PIPELINE_STAGE, SecretBox } from '@workpoint/contact-pipeline';
import { ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic, type TopicContract } from '@workpoint/contracts';
import { BusJobEvents } from '@workpoint/jobs';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import { ConfigurationSync } from './configuration-sync';
import { DesiredStateStore } from './desired-state.store';
import { Outbox } from '@workpoint/database';

/**
 * The desired state of every phone and its delivery (ConfigurationSync), with what it stands on:
 * the store, the secret box (`CONFIG_SECRET_KEY`) and the outbox of configuration's integration
 * events. Imported by the configuration module, by its job stage (whose hooks it provides) and
 * by the operator API.
 */
@Module({})
export class ConfigurationSyncModule {
  static forRoot(settings: { secretKey: string }): DynamicModule {
    return {
      module: ConfigurationSyncModule,
      providers: [
        { provide: PIPELINE_STAGE, useValue: 'configuration' },
        BusJobEvents,
        { provide: SecretBox, useFactory: () => SecretBox.fromBase64(settings.secretKey) },
        DesiredStateStore,
        {
          provide: Outbox,
          useFactory: (dataSource: DataSource, bus: Bus, logger: Logger) =>
            new Outbox(dataSource, bus, logger, [ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic] as TopicContract<unknown>[]),
          inject: [DataSource, BUS, Logger],
        },
        ConfigurationSync,
      ],
      exports: [SecretBox, DesiredStateStore, Outbox, ConfigurationSync],
    };
  }
}
