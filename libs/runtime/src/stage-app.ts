import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { ContactRouter, type StageDeps } from '@workpoint/contact-pipeline';
import {
  type ContactEvent,
  ContactMeAttemptedTopic,
  ContactMeRequestedTopic,
  DeadLetterTopic,
  HEADERS,
  INTEGRATION_TOPICS,
  JOB_TOPICS,
  PIPELINE,
  type Stage,
  type TopicContract,
} from '@workpoint/contracts';
import { type Logger, NestLoggerAdapter } from '@workpoint/logging';
import { type Bus, BusTransport, RethrowRpcFilter } from '@workpoint/messaging';
import type { WorkpointMetrics } from '@workpoint/metrics';
import { TRACING_OFF, TracingModule, type TracingSettings } from '@workpoint/tracing';
import { type BootRetrySettings, retryAtBoot } from './boot-retry';
import { DeadLetterModule, type DeadLetterSettings, DeadLetterStore } from './dead-letters';
import { jobRejectedOf } from './job-rejection';
import { StageCoreModule } from './stage-core.module';

/** The root of a stage app: the process's bus, logger and data source, then the stage's own module. */
@Module({})
class StageRootModule {}

export interface StageAppOptions {
  stage: Stage;
  deps: StageDeps;
  module: (deps: StageDeps) => DynamicModule;
  /** How the stage keeps its dead letters (the key that seals them); default: masked, not sealed. */
  deadLetters?: DeadLetterSettings;
  /** How long topic creation waits for a broker that is not reachable yet (default: one attempt). */
  boot?: BootRetrySettings;
  /** The process's metrics (shared with its other apps); a throwaway instance when not given. */
  metrics?: WorkpointMetrics;
  /** The process's traces (OTEL_* settings); default: off. */
  tracing?: TracingSettings;
}

/**
 * Starts one pipeline stage as a Nest microservice on the given bus — Kafka in its own
 * process, or the in-process bus inside the embedded one. Its failure path answers the
 * phone with CleanUp so a broken stage never leaves a phone waiting for the timeout.
 */
export async function startStageApp({ stage, deps, module, deadLetters = {}, metrics, tracing = TRACING_OFF, boot = { timeoutMs: 0 } }: StageAppOptions): Promise<INestMicroservice> {
  const router = new ContactRouter(stage, deps.bus, deps.logger);
  // Set once the app is built, before it consumes anything.
  const built: { store?: DeadLetterStore } = {};
  const transport = new BusTransport(deps.bus, {
    groupId: `workpoint-${stage}`,
    // Every letter is kept in the service's own table (listed, shown and replayed by
    // `workpoint dlq`). A contact has a phone waiting for it: answer CleanUp. A job command has
    // a sender: tell it (`*.job.rejected.v1`). Then the letter goes to the dead-letter topic.
    onRejected: async (rejection) => {
      const { raw, message } = rejection;
      if (!built.store) throw new Error('dead-letter store not ready');
      await built.store.record(rejection);
      if (raw.topic === PIPELINE[stage].input.name) {
        if (message) await router.answerAfterFailure(message.value as ContactEvent);
        return;
      }
      const jobs = stage === 'inventory' ? undefined : JOB_TOPICS[stage];
      if (jobs && raw.topic === jobs.requested.name) {
        const correlationId = raw.headers[HEADERS.correlationId];
        await deps.bus.publish(jobs.rejected, raw.key ?? '', jobRejectedOf(rejection), correlationId ? { [HEADERS.correlationId]: correlationId } : {});
      }
    },
    // A contact is worth retrying only while its phone waits (answerBy): past it the gateway has
    // answered the phone itself, and acting on the contact then (sending it a job) would be wrong.
    // Job commands and contact-me requests wait for as long as the database is down.
    retryUntil: (message) => (message.topic === PIPELINE[stage].input.name ? Date.parse((message.value as ContactEvent).answerBy) : undefined),
  });
  await retryAtBoot('create the topics', () => deps.bus.ensureTopics(stageTopics(stage)), boot, deps.logger);
  const root: DynamicModule = {
    module: StageRootModule,
    imports: [TracingModule.forRoot(tracing), StageCoreModule.forRoot({ ...deps, ...(metrics ? { metrics } : {}) }), DeadLetterModule.forRoot(deadLetters), module(deps)],
  };
  const app = await NestFactory.createMicroservice(root, { strategy: transport, logger: new NestLoggerAdapter(deps.logger) });
  built.store = app.get(DeadLetterStore);
  app.useGlobalFilters(new RethrowRpcFilter());
  await app.listen();
  deps.logger.info('stage consuming', { stage, topic: PIPELINE[stage].input.name });
  return app;
}

/** Every topic a stage app ensures at boot (KAFKA_ACCESS in contracts lists them for administrators). */
export function stageTopics(stage: Stage): TopicContract<unknown>[] {
  const { input, passTo } = PIPELINE[stage];
  // Every stage may ask inventory to get a phone to call back.
  const jobs = stage === 'inventory' ? [ContactMeRequestedTopic, ContactMeAttemptedTopic] : [...Object.values(JOB_TOPICS[stage]), ContactMeRequestedTopic];
  const integration: TopicContract<unknown>[] = Object.values(INTEGRATION_TOPICS[stage]);
  return [input, ...(passTo ? [passTo] : []), DeadLetterTopic, ...jobs, ...integration];
}

export type { Bus, Logger };
