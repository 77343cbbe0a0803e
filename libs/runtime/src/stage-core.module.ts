import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from '@workpoint/logging';
import type { WorkpointMetrics } from '@workpoint/metrics';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';
import { ProcessCoreModule } from './process-core.module';

export interface StageCoreDeps {
  bus: Bus;
  dataSource: DataSource;
  logger: Logger;
  metrics?: WorkpointMetrics;
}

/**
 * What every stage app gets from its process: the bus (token `BUS`) and the logger (class
 * token `Logger`) through ProcessCoreModule, and the service's data source through
 * `@nestjs/typeorm` (inject `DataSource`, or `TypeOrmModule.forFeature([...])` +
 * `@InjectRepository`). Global, so feature modules only declare what they add.
 *
 * The data source is opened (and migrated) by the process before Nest starts, because the
 * process decides the schema, pool and migrations; Nest destroys it when the app closes.
 */
@Global()
@Module({})
export class StageCoreModule {
  static forRoot(deps: StageCoreDeps): DynamicModule {
    return {
      module: StageCoreModule,
      imports: [
        ProcessCoreModule.forRoot({ bus: deps.bus, logger: deps.logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) }),
        TypeOrmModule.forRootAsync({ useFactory: () => deps.dataSource.options, dataSourceFactory: async () => deps.dataSource }),
      ],
      exports: [ProcessCoreModule, TypeOrmModule],
    };
  }
}
