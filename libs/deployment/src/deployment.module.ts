import { type DynamicModule, Module } from '@nestjs/common';
import { jobStageModule, type StageDeps } from '@workpoint/contact-pipeline';
import { DEPLOYMENT_JOB_TABLE } from './deployment.schema';

/**
 * The deployment service, last stage of the contact pipeline. It owns the queue of file and
 * firmware jobs per phone; a contact it has nothing for ends with CleanUp.
 */
@Module({})
export class DeploymentModule {
  static register(deps: StageDeps): DynamicModule {
    return jobStageModule(DeploymentModule, 'deployment', DEPLOYMENT_JOB_TABLE, deps);
  }
}
