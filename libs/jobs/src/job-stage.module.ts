import { Controller, type DynamicModule, Inject, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ContactEvent, JOB_TOPICS, type JobRequested, type JobStage, PIPELINE } from '@workpoint/contracts';
import { ContactRouter, type StageDeps } from '@workpoint/contact-pipeline';
import { BusJobEvents, type JobEvents } from './job-events';
import { JobQueue } from './job-queue';
import type { JobSettlement } from './job-settlement';
import { type JobItemSecrets, JobStageUseCase } from './job-stage.use-case';

/** What a service adds to the plain job stage. */
export interface JobStageHooks {
  /** The stage's events, when it does more than publish them (e.g. acts on every answered job). */
  events?: JobEvents;
  secrets?: JobItemSecrets;
  /** Runs for every contact before its queued jobs are looked at. */
  beforeContact?: (contact: ContactEvent) => Promise<void>;
  /** The stage's rules for jobs settled by a later contact (Restart, SoftwareDeployment…). */
  settlement?: JobSettlement;
}

/** The transport adapter of a job stage: its input topic in, the router out. */
const BEFORE_CONTACT = Symbol('before-contact');

function jobStageController(stage: JobStage): Type<unknown> {
  @Controller()
  class JobStageController {
    constructor(
      @Inject(JobStageUseCase) private readonly useCase: JobStageUseCase,
      @Inject(ContactRouter) private readonly router: ContactRouter,
      @Inject(BEFORE_CONTACT) private readonly beforeContact: (contact: ContactEvent) => Promise<void>,
    ) {}

    @EventPattern(PIPELINE[stage].input.name)
    async onContact(@Payload() contact: ContactEvent): Promise<void> {
      await this.beforeContact(contact);
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
export function jobStageModule(module: Type<unknown>, stage: JobStage, jobTable: string, deps: StageDeps, hooks: JobStageHooks = {}): DynamicModule {
  return {
    module,
    controllers: [jobStageController(stage)],
    providers: [
      {
        provide: JobStageUseCase,
        useValue: new JobStageUseCase(new JobQueue(deps.dataSource, jobTable), hooks.events ?? new BusJobEvents(stage, deps.bus), deps.logger, hooks.secrets, hooks.settlement),
      },
      { provide: BEFORE_CONTACT, useValue: hooks.beforeContact ?? (async () => undefined) },
      { provide: ContactRouter, useValue: new ContactRouter(stage, deps.bus, deps.logger) },
    ],
  };
}
