import { type DynamicModule, Module } from '@nestjs/common';
import { jobStageModule, type StageDeps } from '@workpoint/contact-pipeline';
import { CONFIGURATION_JOB_TABLE } from './configuration.schema';

/**
 * The configuration service. In this first cut it owns the queue of configuration jobs
 * (WriteItems, ReadItems, Restart …) per phone and sends the next one on contact; profiles
 * and drift come on top of it.
 */
@Module({})
export class ConfigurationModule {
  static register(deps: StageDeps): DynamicModule {
    return jobStageModule(ConfigurationModule, 'configuration', CONFIGURATION_JOB_TABLE, deps);
  }
}
