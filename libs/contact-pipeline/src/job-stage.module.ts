import { Controller, type DynamicModule, Inject, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ContactEvent, PIPELINE, type Stage } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';
import { ContactRouter } from './contact-router';
import { JobQueue } from './job-queue';
import { JobStageUseCase } from './job-stage.use-case';

export interface StageDeps {
  bus: Bus;
  dataSource: DataSource;
  logger: Logger;
}

/** The transport adapter of a job stage: its input topic in, the router out. */
function jobStageController(stage: Stage): Type<unknown> {
  @Controller()
  class JobStageController {
    constructor(
      @Inject(JobStageUseCase) private readonly useCase: JobStageUseCase,
      @Inject(ContactRouter) private readonly router: ContactRouter,
    ) {}

    @EventPattern(PIPELINE[stage].input.name)
    async onContact(@Payload() contact: ContactEvent): Promise<void> {
      await this.router.route(contact, await this.useCase.handle(contact));
    }
  }
  Object.defineProperty(JobStageController, 'name', { value: `${stage[0]?.toUpperCase()}${stage.slice(1)}StageController` });
  return JobStageController;
}

/** The Nest module of a stage whose decision is "the phone's next queued job, if any". */
export function jobStageModule(module: Type<unknown>, stage: Stage, jobTable: string, deps: StageDeps): DynamicModule {
  return {
    module,
    controllers: [jobStageController(stage)],
    providers: [
      { provide: JobStageUseCase, useValue: new JobStageUseCase(new JobQueue(deps.dataSource, jobTable), deps.logger) },
      { provide: ContactRouter, useValue: new ContactRouter(stage, deps.bus, deps.logger) },
    ],
  };
}
