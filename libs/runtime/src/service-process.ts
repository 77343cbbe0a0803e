import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import type { StageDeps } from '@workpoint/contact-pipeline';
import type { Stage } from '@workpoint/contracts';
import { DeadLetterEnvSchema, loadConfig, ServiceEnvSchema, TracingEnvSchema } from '@workpoint/config';
import { createServiceDataSource, initialiseServiceDataSource, type ServiceDataSourceOptions } from '@workpoint/database';
import { createLogger, NestLoggerAdapter } from '@workpoint/logging';
import { tracingSettingsFrom } from '@workpoint/tracing';
import { retryAtBoot } from './boot-retry';
import { healthSettingsFrom } from './health/health.settings';
import { ProcessLifecycle } from './health/process-lifecycle';
import { createKafkaBus } from './kafka-bus.factory';
import { startHealthApp } from './health-server';
import { createProcessMetrics, watchConsumerLag } from './process-metrics';
import { onShutdownSignal } from './shutdown';
import { deadLetterRetentionFrom, type DeadLetterSettings } from './dead-letters';
import { startStageApp } from './stage-app';

export interface ServiceProcessOptions {
  stage: Stage;
  schema: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>;
  module: (deps: StageDeps) => DynamicModule;
  /** How the service keeps its dead letters (its CONFIG_SECRET_KEY seals them); see DeadLetterSettings. */
  deadLetters?: DeadLetterSettings;
}

/**
 * main() of a distributed stage service: its own process, real Kafka, real PostgreSQL.
 * Boot: the health app listens first (alive, not ready), so an orchestrator sees the process
 * while it waits for PostgreSQL and the broker (BOOT_RETRY_TIMEOUT_MS). SIGTERM: not ready at
 * once, consumers finish their batch and leave their groups, the app closes (relays, timers,
 * data source), then the producer; forced exit after SHUTDOWN_TIMEOUT_MS.
 */
export async function runServiceProcess({ stage, schema, module, deadLetters }: ServiceProcessOptions): Promise<void> {
  const env = loadConfig(ServiceEnvSchema.extend(DeadLetterEnvSchema.shape));
  const logger = createLogger(stage, env.LOG_LEVEL, undefined, { maxLineBytes: env.LOG_MAX_LINE_BYTES });
  const lifecycle = new ProcessLifecycle();
  const metrics = createProcessMetrics(env);
  const bus = createKafkaBus(env, stage, logger, metrics.delivery);
  watchConsumerLag(metrics, bus);
  const boot = { timeoutMs: env.BOOT_RETRY_TIMEOUT_MS };
  // Not initialised yet: the health app checks it from the start (not ready until it answers).
  const dataSource = createServiceDataSource({ url: env.DATABASE_URL, ...schema, poolSize: env.DATABASE_POOL_SIZE, applicationName: `workpoint-${stage}` });
  const health = env.HEALTH_PORT
    ? await startHealthApp(env.HEALTH_PORT, { bus, logger, dataSource, metrics, lifecycle, health: healthSettingsFrom(env) }, new NestLoggerAdapter(logger))
    : undefined;
  // Set once booted; SIGTERM may come while the boot still waits for PostgreSQL or the broker.
  const running: { app?: INestMicroservice } = {};
  onShutdownSignal(
    logger,
    async () => {
      await bus.stopConsuming();
      await running.app?.close();
      await bus.close();
      // Nest destroyed it with the app unless the app never started.
      if (dataSource.isInitialized) await dataSource.destroy();
      // Last: probes see "not ready" (draining) until the process is gone.
      await health?.close();
    },
    { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, lifecycle },
  );
  await retryAtBoot('open the database', () => initialiseServiceDataSource(dataSource), boot, logger);
  const tracing = tracingSettingsFrom(loadConfig(TracingEnvSchema), stage);
  running.app = await startStageApp({ stage, deps: { bus, dataSource, logger }, module, deadLetters: { ...deadLetters, retention: deadLetterRetentionFrom(env) }, metrics, tracing, boot });
  lifecycle.started();
}
