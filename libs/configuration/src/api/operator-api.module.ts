import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity, AuditEntity, ManagedPhoneEntity, PhoneHistoryEntity, ProfileEntity, SiteEntity } from '../desired-state/desired-state.entities';
import { ApiKeys, AuditLog } from './access';
import { ApiKeyRepository } from './api-key.repository';
import { AuditLogRepository } from './audit-log.repository';
import { AssignmentService } from './assignment.service';
import { CHANGE_FANOUT_SETTINGS, ChangeFanout, type ChangeFanoutSettings } from './change-fanout';
import { CommandService } from './command.service';
import { ImportService } from './import.service';
import { ManagedPhoneRepository } from './managed-phone.repository';
import { OPERATOR_API_SETTINGS, OperatorApi, type OperatorApiSettings } from './operator-api';
import { PhoneHistoryRepository } from './phone-history.repository';
import { PhoneJobService } from './phone-job.service';
import { PhoneService } from './phone.service';
import { ProfileRepository } from './profile.repository';
import { ProfileService } from './profile.service';
import { SiteRepository } from './site.repository';
import { SiteService } from './site.service';

export interface OperatorApiModuleOptions {
  api: OperatorApiSettings;
  /** Phones not seen for this long are left out of fleet-wide re-plans (`DORMANT_AFTER_HOURS`); undefined: the default. */
  dormantAfterMs?: number | undefined;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: OPTIONS } = new ConfigurableModuleBuilder<OperatorApiModuleOptions>()
  .setClassMethodName('forRoot')
  .build();

/**
 * The operator API: its services, the key store and audit log, and OperatorApi, which starts the
 * HTTP app (OperatorApiHttpModule: the controllers on Nest + Fastify). Bus, logger and data source come from the stage's
 * StageCoreModule; the desired state (DesiredStateStore, ConfigurationSync, SecretBox) from the
 * ConfigurationSyncModule that the caller adds to its imports, the same one the job stage uses
 * (configuration.module.ts). `OperatorApiModule.forRoot({ api })` or `forRootAsync({ useFactory })`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, AuditEntity, ManagedPhoneEntity, PhoneHistoryEntity, ProfileEntity, SiteEntity])],
  providers: [
    ApiKeyRepository,
    AuditLogRepository,
    SiteRepository,
    ProfileRepository,
    ManagedPhoneRepository,
    PhoneHistoryRepository,
    { provide: OPERATOR_API_SETTINGS, useFactory: (o: OperatorApiModuleOptions) => o.api, inject: [OPTIONS] },
    { provide: CHANGE_FANOUT_SETTINGS, useFactory: (o: OperatorApiModuleOptions): ChangeFanoutSettings => ({ dormantAfterMs: o.dormantAfterMs }), inject: [OPTIONS] },
    ChangeFanout,
    ApiKeys,
    AuditLog,
    PhoneService,
    PhoneJobService,
    AssignmentService,
    ProfileService,
    SiteService,
    ImportService,
    CommandService,
    OperatorApi,
  ],
  exports: [OperatorApi],
})
export class OperatorApiModule extends ConfigurableModuleClass {}
