import { type DynamicModule, Module } from '@nestjs/common';
import { completedJobsSweep, JobQueue, jobStageModule, type StageDeps } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';

/**
 * The deployment service, last stage of the contact pipeline. It owns the queue of file and
 * firmware jobs per phone; a contact it has nothing for ends with CleanUp.
 */
@Module({})
export class DeploymentModule {
  /** `storage` left out (stage tests): no retention job. */
  static register(deps: StageDeps, storage?: StorageEnv): DynamicModule {
    const stage = jobStageModule(DeploymentModule, 'deployment', DEPLOYMENT_JOB_TABLE, deps);
    if (!storage) return stage;
    return { ...stage, providers: [...(stage.providers ?? []), { provide: RetentionJob, useValue: deploymentRetention(deps, storage) }] };
  }
}

/** What deployment forgets: completed jobs after RETENTION_JOBS_DAYS. */
export function deploymentRetention(deps: Pick<StageDeps, 'dataSource' | 'logger'>, storage: StorageEnv): RetentionJob {
  const jobs = completedJobsSweep(new JobQueue(deps.dataSource, DEPLOYMENT_JOB_TABLE), DEPLOYMENT_JOB_TABLE, storage.RETENTION_JOBS_DAYS * 24 * 3600_000);
  return new RetentionJob('deployment', [jobs], retentionSettingsFrom(storage), deps.logger);
}
