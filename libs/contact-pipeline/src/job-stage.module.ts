import { Controller, type DynamicModule, Inject, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ContactEvent, JOB_TOPICS, type JobRequested, type JobStage, PIPELINE } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';
import { ContactRouter } from './contact-router';
import { BusJobEvents } from './job-events';
import { JobQueue } from './job-queue';
import { JobStageUseCase } from './job-stage.use-case';

export interface StageDeps {
  bus: Bus;
  dataSource: DataSource;
  logger: Logger;
}

/** The transport adapter of a job stage: its input topic in, the router out. */
function jobStageController(stage: JobStage): Type<unknown> {
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

    @EventPattern(JOB_TOPICS[stage].requested.name)
    async onJobRequested(@Payload() command: JobRequested): Promise<void> {
      await this.useCase.request(command);
    }
  }
  Object.defineProperty(JobStageController, 'name', { value: `${stage[0]?.toUpperCase()}${stage.slice(1)}StageController` });
  return JobStageController;
}

/** The Nest module of a stage whose decision is "the phone's next queued job, if any". */
export function jobStageModule(module: Type<unknown>, stage: JobStage, jobTable: string, deps: StageDeps): DynamicModule {
  return {
    module,
    controllers: [jobStageController(stage)],
    providers: [
      {
        provide: JobStageUseCase,
        useValue: new JobStageUseCase(new JobQueue(deps.dataSource, jobTable), new BusJobEvents(stage, deps.bus), deps.logger),
      },
      { provide: ContactRouter, useValue: new ContactRouter(stage, deps.bus, deps.logger) },
    ],
  };
}
