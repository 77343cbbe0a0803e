import type { DynamicModule } from '@nestjs/common';
import type { StageDeps } from '@workpoint/contact-pipeline';
import type { Stage } from '@workpoint/contracts';
import { DeadLetterEnvSchema, loadConfig, ServiceEnvSchema } from '@workpoint/config';
import { openServiceDataSource, type ServiceDataSourceOptions } from '@workpoint/database';
import { createLogger, NestLoggerAdapter } from '@workpoint/logging';
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

/** main() of a distributed stage service: its own process, real Kafka, real PostgreSQL. */
export async function runServiceProcess({ stage, schema, module, deadLetters }: ServiceProcessOptions): Promise<void> {
  const env = loadConfig(ServiceEnvSchema.extend(DeadLetterEnvSchema.shape));
  const logger = createLogger(stage, env.LOG_LEVEL, undefined, { maxLineBytes: env.LOG_MAX_LINE_BYTES });
  const metrics = createProcessMetrics(env);
  const bus = createKafkaBus(env, stage, logger, metrics.delivery);
  watchConsumerLag(metrics, bus);
  const dataSource = await openServiceDataSource(env.DATABASE_URL, schema, env.DATABASE_POOL_SIZE, `workpoint-${stage}`);
  const app = await startStageApp({ stage, deps: { bus, dataSource, logger }, module, deadLetters: { ...deadLetters, retention: deadLetterRetentionFrom(env) }, metrics });
  const health = env.HEALTH_PORT ? await startHealthApp(env.HEALTH_PORT, { bus, logger, dataSource, metrics }, new NestLoggerAdapter(logger)) : undefined;
  onShutdownSignal(logger, async () => {
    await health?.close();
    await app.close();
    await bus.close();
    // Nest destroyed it with the app unless the app never started.
    if (dataSource.isInitialized) await dataSource.destroy();
  });
}
