import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Tracing, TRACING_SETTINGS } from './tracing.provider';
import type { TracingSettings } from './tracing.settings';

/**
 * `TracingModule.forRoot(settings)`: imported by the root module of each app (stage apps,
 * the gateway) so the SDK is up before the app consumes anything and flushed when it closes.
 */
@Global()
@Module({})
export class TracingModule {
  static forRoot(settings: TracingSettings): DynamicModule {
    return {
      module: TracingModule,
      providers: [{ provide: TRACING_SETTINGS, useValue: settings }, Tracing],
      exports: [Tracing],
    };
  }
}
