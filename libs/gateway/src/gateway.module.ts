import { type DynamicModule, Module } from '@nestjs/common';
import { type GatewayDeps, GatewayService } from './gateway.service';

@Module({})
export class GatewayModule {
  static register(deps: GatewayDeps): DynamicModule {
    return { module: GatewayModule, providers: [{ provide: GatewayService, useValue: new GatewayService(deps) }], exports: [GatewayService] };
  }
}
