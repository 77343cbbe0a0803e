import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';

export interface GatewayCoreDeps {
  bus: Bus;
  logger: Logger;
}

/**
 * What a gateway app gets from its process: the bus (token {@link BUS}) and the logger (class
 * token `Logger`), built before Nest starts because the process owns and closes them. The
 * gateway's counterpart of StageCoreModule, without a data source: the gateway has no database.
 */
@Global()
@Module({})
export class GatewayCoreModule {
  static forRoot(deps: GatewayCoreDeps): DynamicModule {
    return {
      module: GatewayCoreModule,
      providers: [
        { provide: BUS, useValue: deps.bus },
        { provide: Logger, useValue: deps.logger },
      ],
      exports: [BUS, Logger],
    };
  }
}
