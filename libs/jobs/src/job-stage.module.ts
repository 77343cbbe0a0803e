import { type DynamicModule, Inject, Injectable, type ModuleMetadata, Module, type Provider, type Type } from '@nestjs/common';
import { ContactRouter, PIPELINE_STAGE } from '@workpoint/contact-pipeline';
import { type ContactEvent, JOB_TOPICS, type JobRequested, type JobStage, type TopicContract } from '@workpoint/contracts';
import { Outbox } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { StoreMetrics } from '@workpoint/metrics';
import { DataSource } from 'typeorm';
import { BusJobEvents, JOB_EVENTS, JOB_OUTBOX, type JobEvents } from './job-events';
import { JOB_TABLE, JobQueue } from './job-queue';
import { JOB_SETTLEMENT, type JobSettlement, NO_SETTLEMENT } from './job-settlement';
import { JOB_ITEM_SECRETS, type JobItemSecrets, JobStageUseCase, PLAIN_ITEMS } from './job-stage.use-case';

/** What a stage does with every contact before its queued jobs are looked at. */
export interface BeforeContact {
  onContact(contact: ContactEvent): Promise<void>;
}

/** Injection token of a job stage's {@link BeforeContact} (nothing unless the stage adds it). */
export const BEFORE_CONTACT = Symbol('BEFORE_CONTACT');

const NOTHING_BEFORE: BeforeContact = { onContact: async () => undefined };

/**
 * The job stage's two inputs, for the stage's controller: a contact (the hook before, the
 * phone's queued jobs, then the router), and a command (queue the job).
 */
@Injectable()
export class JobStageInputs {
  constructor(
    @Inject(JobStageUseCase) private readonly useCase: JobStageUseCase,
    @Inject(ContactRouter) private readonly router: ContactRouter,
    @Inject(BEFORE_CONTACT) private readonly before: BeforeContact,
  ) {}

  async onContact(contact: ContactEvent): Promise<void> {
    await this.before.onContact(contact);
    await this.router.route(contact, await this.useCase.handle(contact));
  }

  async onJobRequested(command: JobRequested): Promise<void> {
    await this.useCase.request(command);
  }
}

/**
 * A hook of the job stage: a class Nest builds for the stage, or a provider the stage's imports
 * export already (`useExisting`), e.g. one object that is both the stage's secrets and its
 * before-contact hook.
 */
export type JobStageHook<T> = Type<T> | { useExisting: Type<T> | symbol };

export interface JobStageOptions {
  stage: JobStage;
  /** The stage's job table (in its own schema). */
  table: string;
  /** Modules whose exported providers the hooks need. */
  imports?: ModuleMetadata['imports'];
  /** Providers the hooks need that no imported module exports (e.g. the stage's settings). */
  providers?: Provider[];
  /** The stage's events when it does more than publish them (JOB_EVENTS; default BusJobEvents). */
  events?: JobStageHook<JobEvents>;
  /** How job items are kept at rest (JOB_ITEM_SECRETS; default plain). */
  secrets?: JobStageHook<JobItemSecrets>;
  /** Runs for every contact before its queued jobs are looked at (BEFORE_CONTACT). */
  beforeContact?: JobStageHook<BeforeContact>;
  /** The stage's rules for jobs settled by a later contact (JOB_SETTLEMENT; default none). */
  settlement?: JobStageHook<JobSettlement>;
}

function hook<T>(token: symbol, given: JobStageHook<T> | undefined, fallback: Omit<Provider, 'provide'>): Provider {
  if (!given) return { provide: token, ...fallback } as Provider;
  return 'useExisting' in given ? { provide: token, useExisting: given.useExisting } : { provide: token, useClass: given };
}

/**
 * A stage whose decision is "the phone's next queued job, if any" (configuration, deployment).
 * The stage's own module imports it and declares its controller, which calls JobStageInputs.
 * Each hook is a provider under its token, so a test replaces one with `overrideProvider`.
 */
@Module({})
export class JobStageModule {
  static forRoot(options: JobStageOptions): DynamicModule {
    return {
      module: JobStageModule,
      imports: options.imports ?? [],
      providers: [
        { provide: PIPELINE_STAGE, useValue: options.stage },
        { provide: JOB_TABLE, useValue: options.table },
        JobQueue,
        ContactRouter,
        // The stage's completion events, relayed from its `outbox` table (the stage's schema must have one).
        {
          provide: JOB_OUTBOX,
          useFactory: (db: DataSource, bus: Bus, logger: Logger, metrics?: StoreMetrics) => new Outbox(db, bus, logger, [JOB_TOPICS[options.stage].completed] as TopicContract<unknown>[], metrics),
          inject: [DataSource, BUS, Logger, { token: StoreMetrics, optional: true }],
        },
        BusJobEvents,
        hook(JOB_EVENTS, options.events, { useExisting: BusJobEvents }),
        hook(JOB_ITEM_SECRETS, options.secrets, { useValue: PLAIN_ITEMS }),
        hook(BEFORE_CONTACT, options.beforeContact, { useValue: NOTHING_BEFORE }),
        hook(JOB_SETTLEMENT, options.settlement, { useValue: NO_SETTLEMENT }),
        JobStageUseCase,
        JobStageInputs,
        ...(options.providers ?? []),
      ],
      exports: [JobStageInputs, JobStageUseCase, JobQueue, ContactRouter, BusJobEvents, JOB_EVENTS, JOB_OUTBOX, JOB_ITEM_SECRETS, JOB_SETTLEMENT, PIPELINE_STAGE],
    };
  }
}
