import { type DynamicModule, Module } from '@nestjs/common';
import { JobQueue, jobStageModule, SealedJobItems, sealJobsStoredInClear, type StageDeps } from '@workpoint/contact-pipeline';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';

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
  static register(deps: StageDeps, settings: DeploymentSettings): DynamicModule {
    const secrets = SealedJobItems.fromBase64(settings.secretKey);
    const stage = jobStageModule(DeploymentModule, 'deployment', DEPLOYMENT_JOB_TABLE, deps, { secrets });
    // Versions before issue 8 stored deployment jobs' file-pwd in clear.
    const sealOlderJobs = { onApplicationBootstrap: () => sealJobsStoredInClear(new JobQueue(deps.dataSource, DEPLOYMENT_JOB_TABLE), secrets, deps.logger) };
    return { ...stage, providers: [...(stage.providers ?? []), { provide: SEAL_OLDER_JOBS, useValue: sealOlderJobs }] };
  }
}
