import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { MetricsModule, WorkpointMetrics } from '@workpoint/metrics';
import { DataSource } from 'typeorm';
import { DEFAULT_HEALTH_SETTINGS, HEALTH_SETTINGS, type HealthSettings } from './health/health.settings';
import { ProcessLifecycle } from './health/process-lifecycle';

export interface ProcessCoreDeps {
  bus: Bus;
  logger: Logger;
  /** Only for a process with a database whose app must not own it (the health app). */
  dataSource?: DataSource;
  /** Shared by every app of the process, so SIGTERM makes all of them unready at once (default: one of its own, running). */
  lifecycle?: ProcessLifecycle;
  /** How the probes check the broker and the database (default DEFAULT_HEALTH_SETTINGS). */
  health?: HealthSettings;
  /** The process's metrics (one per process, shared by its apps); a throwaway instance when not given (tests). */
  metrics?: WorkpointMetrics;
}

/**
 * What a Nest app gets from its process without TypeORM's module: the bus (token {@link BUS}),
 * the logger (class token `Logger`), the process's lifecycle (class token `ProcessLifecycle`),
 * the health settings (`HEALTH_SETTINGS`) and, where given, the data source (class token
 * `DataSource`), all built before Nest starts because the process owns and closes them. The
 * gateway's app uses it (the gateway has no database), and so does the services' health app,
 * which must read the stage's data source without destroying it when it closes (as
 * StageCoreModule's TypeOrmModule would).
 */
@Global()
@Module({})
export class ProcessCoreModule {
  static forRoot(deps: ProcessCoreDeps): DynamicModule {
    const data: Provider[] = deps.dataSource ? [{ provide: DataSource, useValue: deps.dataSource }] : [];
    return {
      module: ProcessCoreModule,
      imports: [MetricsModule.forRoot(deps.metrics ?? new WorkpointMetrics({ processMetrics: false }))],
      providers: [
        { provide: BUS, useValue: deps.bus },
        { provide: Logger, useValue: deps.logger },
        { provide: ProcessLifecycle, useValue: deps.lifecycle ?? new ProcessLifecycle('running') },
        { provide: HEALTH_SETTINGS, useValue: deps.health ?? DEFAULT_HEALTH_SETTINGS },
        ...data,
      ],
      exports: [BUS, Logger, MetricsModule, ProcessLifecycle, HEALTH_SETTINGS, ...(deps.dataSource ? [DataSource] : [])],
    };
  }
}
