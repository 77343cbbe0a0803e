import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { StageDeps } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { ageSweep, RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { completedJobsSweep, JobQueue, JobStageModule } from '@workpoint/jobs';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { OperatorApi, type OperatorApiSettings } from './api/operator-api';
import { OperatorApiModule } from './api/operator-api.module';
import { CONFIGURATION_JOB_TABLE } from './configuration.schema';
import { ConfigurationSync } from './desired-state/configuration-sync';
import { ConfigurationSyncModule } from './desired-state/configuration-sync.module';
import { FleetGauges } from './desired-state/fleet.gauges';
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

/** The operator API on the same desired state (store, sync, secret box) as the job stage. */
function operatorApi(api: OperatorApiSettings, storage: StorageEnv | undefined, sync: DynamicModule): DynamicModule {
  const module = OperatorApiModule.forRoot({ api, dormantAfterMs: storage ? storage.DORMANT_AFTER_HOURS * 3600_000 : undefined });
  return { ...module, imports: [...(module.imports ?? []), sync], exports: [OperatorApi] };
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
    const apiModule = api ? operatorApi(api, storage, sync) : undefined;
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
        ...(apiModule ? [apiModule] : []),
      ],
      controllers: [ConfigurationStageController],
      providers: [...retention, FleetGauges],
      // Re-exported, so the process (and tests) can reach OperatorApi from this module.
      exports: apiModule ? [apiModule] : [],
    };
  }
}
