import { type DynamicModule, Module } from '@nestjs/common';
import { jobStageModule, SealedJobItems, type StageDeps } from '@workpoint/contact-pipeline';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';

export interface DeploymentSettings {
  /** Base64 of 32 bytes (`CONFIG_SECRET_KEY`): seals secret job items (`file-pwd` …) at rest. */
  secretKey: string;
}

/**
 * The deployment service, last stage of the contact pipeline. It owns the queue of file and
 * firmware jobs per phone; a contact it has nothing for ends with CleanUp. Secret items of a
 * job (the file server's `file-pwd`…) are sealed when the job is queued and opened only for
 * the message to the phone.
 */
@Module({})
export class DeploymentModule {
  static register(deps: StageDeps, settings: DeploymentSettings): DynamicModule {
    return jobStageModule(DeploymentModule, 'deployment', DEPLOYMENT_JOB_TABLE, deps, { secrets: SealedJobItems.fromBase64(settings.secretKey) });
  }
}
