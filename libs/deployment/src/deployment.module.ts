import { type DynamicModule, Module } from '@nestjs/common';
import { type StageDeps } from '@workpoint/contact-pipeline';
import { completedJobsSweep, JobQueue, jobStageModule, SealedJobItems, sealJobsStoredInClear } from '@workpoint/jobs';
import type { StorageEnv } from '@workpoint/config';
import { RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';
import { DeploymentSettlement } from './deployment.settlement';

export interface DeploymentSettings {
  /** Base64 of 32 bytes (`CONFIG_SECRET_KEY`): seals secret job items (`file-pwd` …) at rest. */
  secretKey: string;
}

const SEAL_OLDER_JOBS = Symbol('seal-older-jobs');

/**
 * The deployment service, last stage of the contact pipeline. It owns the queue of file and
 * firmware jobs per phone; a contact it has nothing for ends with CleanUp. Secret items of a
 * job (the file server's `file-pwd`…) are sealed when the job is queued and opened only for
 * the message to the phone.
 */
@Module({})
export class DeploymentModule {
  /** `storage` left out (stage tests): no retention job. */
  static register(deps: StageDeps, settings: DeploymentSettings, storage?: StorageEnv): DynamicModule {
    const secrets = SealedJobItems.fromBase64(settings.secretKey);
    const stage = jobStageModule(DeploymentModule, 'deployment', DEPLOYMENT_JOB_TABLE, deps, { secrets, settlement: new DeploymentSettlement() });
    // Versions before issue 8 stored deployment jobs' file-pwd in clear.
    const sealOlderJobs = { onApplicationBootstrap: () => sealJobsStoredInClear(new JobQueue(deps.dataSource, DEPLOYMENT_JOB_TABLE), secrets, deps.logger) };
    const providers = [...(stage.providers ?? []), { provide: SEAL_OLDER_JOBS, useValue: sealOlderJobs }];
    if (storage) providers.push({ provide: RetentionJob, useValue: deploymentRetention(deps, storage) });
    return { ...stage, providers };
  }
}

/** What deployment forgets: completed jobs after RETENTION_JOBS_DAYS. */
export function deploymentRetention(deps: Pick<StageDeps, 'dataSource' | 'logger'>, storage: StorageEnv): RetentionJob {
  const jobs = completedJobsSweep(new JobQueue(deps.dataSource, DEPLOYMENT_JOB_TABLE), DEPLOYMENT_JOB_TABLE, storage.RETENTION_JOBS_DAYS * 24 * 3600_000);
  return new RetentionJob('deployment', [jobs], retentionSettingsFrom(storage), deps.logger);
}
