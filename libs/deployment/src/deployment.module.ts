import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { SecretBox, type StageDeps } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { completedJobsSweep, JobQueue, JobStageModule, SealedJobItems } from '@workpoint/jobs';
import { Logger } from '@workpoint/logging';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';
import { DeploymentSettlement } from './job-stage/deployment.settlement';
import { DeploymentStageController } from './job-stage/deployment-stage.controller';
import { SealJobsStoredInClearOnBoot } from './job-stage/seal-jobs-stored-in-clear.on-boot';

export interface DeploymentSettings {
  /** Base64 of 32 bytes (`CONFIG_SECRET_KEY`): seals secret job items (`file-pwd` …) at rest. */
  secretKey: string;
  /** Retention; left out (stage tests), no retention job runs. */
  storage?: StorageEnv;
}

/** Injection token of the {@link DeploymentSettings}. */
export const DEPLOYMENT_SETTINGS = Symbol('DEPLOYMENT_SETTINGS');

/**
 * The deployment service, last stage of the contact pipeline. It owns the queue of file and
 * firmware jobs per phone; a contact it has nothing for ends with CleanUp. Secret items of a
 * job (the file server's `file-pwd`…) are sealed when the job is queued and opened only for
 * the message to the phone. How its jobs are confirmed: software-deployment/, file-deployment/.
 */
@Module({})
export class DeploymentModule {
  static forRoot(settings: DeploymentSettings): DynamicModule {
    const { storage } = settings;
    const retention: Provider[] = storage
      ? [{ provide: RetentionJob, useFactory: (jobs: JobQueue, logger: Logger) => deploymentRetentionJob(jobs, logger, storage), inject: [JobQueue, Logger] }]
      : [];
    return {
      module: DeploymentModule,
      imports: [
        JobStageModule.forRoot({
          stage: 'deployment',
          table: DEPLOYMENT_JOB_TABLE,
          providers: [
            { provide: DEPLOYMENT_SETTINGS, useValue: settings },
            { provide: SecretBox, useFactory: (s: DeploymentSettings) => SecretBox.fromBase64(s.secretKey), inject: [DEPLOYMENT_SETTINGS] },
          ],
          secrets: SealedJobItems,
          settlement: DeploymentSettlement,
        }),
      ],
      controllers: [DeploymentStageController],
      providers: [SealJobsStoredInClearOnBoot, ...retention],
    };
  }
}

/** What deployment forgets: completed jobs after RETENTION_JOBS_DAYS. */
export function deploymentRetentionJob(jobs: JobQueue, logger: Logger, storage: StorageEnv): RetentionJob {
  const sweep = completedJobsSweep(jobs, DEPLOYMENT_JOB_TABLE, storage.RETENTION_JOBS_DAYS * 24 * 3600_000);
  return new RetentionJob('deployment', [sweep], retentionSettingsFrom(storage), logger);
}

/** deploymentRetentionJob over the given data source (retention tests). */
export function deploymentRetention(deps: Pick<StageDeps, 'dataSource' | 'logger'>, storage: StorageEnv): RetentionJob {
  return deploymentRetentionJob(new JobQueue(deps.dataSource, DEPLOYMENT_JOB_TABLE), deps.logger, storage);
}
