import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { SecretBox, type StageDeps } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { ageSweep, RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { completedJobsSweep, JobQueue, JobStageModule } from '@workpoint/jobs';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import { ApiKeys, AuditLog } from './api/access';
import { ChangeFanout } from './api/change-fanout';
import { CommandService } from './api/command.service';
import { ImportService } from './api/import.service';
import { OperatorApi, type OperatorApiSettings } from './api/operator-api';
import { operatorApiRoutes } from './api/operator-api.routes';
import { PhoneService } from './api/phone.service';
import { ProfileService } from './api/profile.service';
import { SiteService } from './api/site.service';
import { CONFIGURATION_JOB_TABLE } from './configuration.schema';
import { ConfigurationSync } from './desired-state/configuration-sync';
import { ConfigurationSyncModule } from './desired-state/configuration-sync.module';
import { DesiredStateStore } from './desired-state/desired-state.store';
import { ConfigurationJobEvents } from './job-stage/configuration-job.events';
import { ConfigurationStageController } from './job-stage/configuration-stage.controller';
import { RestartSettlement } from './restart/restart.settlement';

export interface ConfigurationSettings {
  /** Base64 of 32 bytes: seals secret item values at rest (`CONFIG_SECRET_KEY`). */
  secretKey: string;
  /** The operator API; left out, the service runs without it (e.g. in stage tests). */
  api?: OperatorApiSettings;
  /** Retention and the dormant rule; left out (stage tests), no retention job runs and the defaults apply. */
  storage?: StorageEnv;
}

const DAY_MS = 24 * 3600_000;

/** What configuration forgets: phone history after RETENTION_HISTORY_DAYS, completed jobs after RETENTION_JOBS_DAYS (the outbox purges itself). */
export function configurationRetention(deps: Pick<StageDeps, 'dataSource' | 'logger'>, storage: StorageEnv): RetentionJob {
  return new RetentionJob(
    'configuration',
    [
      ageSweep(deps.dataSource, 'phone_history', storage.RETENTION_HISTORY_DAYS * DAY_MS, 'id', 'at < $1', 'at'),
      completedJobsSweep(new JobQueue(deps.dataSource, CONFIGURATION_JOB_TABLE), CONFIGURATION_JOB_TABLE, storage.RETENTION_JOBS_DAYS * DAY_MS),
    ],
    retentionSettingsFrom(storage),
    deps.logger,
  );
}

/** The operator API, built as before from the process's objects and the desired-state providers. */
function operatorApiProvider(api: OperatorApiSettings, storage: StorageEnv | undefined): Provider {
  return {
    provide: OperatorApi,
    inject: [DataSource, BUS, Logger, DesiredStateStore, ConfigurationSync, SecretBox],
    useFactory: (dataSource: DataSource, bus: Bus, logger: Logger, store: DesiredStateStore, sync: ConfigurationSync, box: SecretBox) => {
      const audit = new AuditLog();
      const keys = new ApiKeys(dataSource, logger);
      const fanout = new ChangeFanout(dataSource, sync, logger, storage ? storage.DORMANT_AFTER_HOURS * 3600_000 : undefined);
      const routes = operatorApiRoutes({
        phones: new PhoneService(dataSource, store, sync, box, bus, audit, fanout),
        profiles: new ProfileService(dataSource, store, box, sync, audit, fanout, logger),
        sites: new SiteService(dataSource, audit, fanout),
        imports: new ImportService(dataSource, audit, fanout, logger),
        commands: new CommandService(dataSource, bus, sync, audit, logger.child({ component: 'operator-api' })),
        keys,
        audit,
        db: dataSource,
      });
      return new OperatorApi(routes, keys, fanout, api, logger.child({ component: 'operator-api' }));
    },
  };
}

/**
 * The configuration service: the desired state of every phone (profiles, assignments, the
 * phone's own overrides), delivery of the difference on each contact as a WriteItems job, drift
 * and faults, the queue of operator jobs, and the operator API.
 */
@Module({})
export class ConfigurationModule {
  static forRoot(settings: ConfigurationSettings): DynamicModule {
    // One module object, imported here and by the job stage: one ConfigurationSync for both.
    const sync = ConfigurationSyncModule.forRoot({ secretKey: settings.secretKey });
    const { storage, api } = settings;
    const retention: Provider[] = storage
      ? [{ provide: RetentionJob, useFactory: (dataSource: DataSource, logger: Logger) => configurationRetention({ dataSource, logger }, storage), inject: [DataSource, Logger] }]
      : [];
    return {
      module: ConfigurationModule,
      imports: [
        sync,
        JobStageModule.forRoot({
          stage: 'configuration',
          table: CONFIGURATION_JOB_TABLE,
          imports: [sync],
          events: ConfigurationJobEvents,
          secrets: { useExisting: ConfigurationSync },
          beforeContact: { useExisting: ConfigurationSync },
          settlement: RestartSettlement,
        }),
      ],
      controllers: [ConfigurationStageController],
      providers: [...retention, ...(api ? [operatorApiProvider(api, storage)] : [])],
      exports: api ? [OperatorApi] : [],
    };
  }

  /** The entry point of callers that still pass the process's deps (they now come from StageCoreModule). */
  static register(_deps: StageDeps, settings: ConfigurationSettings): DynamicModule {
    return ConfigurationModule.forRoot(settings);
  }
}
