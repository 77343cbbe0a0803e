import { Controller, type DynamicModule, Get, Global, Header, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DeliveryMetrics, PhoneMetrics, StoreMetrics, WorkpointMetrics } from './workpoint-metrics';

/**
 * The process's metrics for its Nest apps: `WorkpointMetrics`, its `Registry` and each group
 * (`PhoneMetrics`, `DeliveryMetrics`, `StoreMetrics`) by class token. Global, so a feature
 * injects only the group it counts in. The instance is the process's (several Nest apps in one
 * process share it): a test gives each testing module a fresh one.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: WorkpointMetrics): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        { provide: WorkpointMetrics, useValue: metrics },
        { provide: Registry, useValue: metrics.registry },
        { provide: PhoneMetrics, useValue: metrics.phone },
        { provide: DeliveryMetrics, useValue: metrics.delivery },
        { provide: StoreMetrics, useValue: metrics.store },
      ],
      exports: [WorkpointMetrics, Registry, PhoneMetrics, DeliveryMetrics, StoreMetrics],
    };
  }
}

/** GET /metrics in Prometheus text format (version 0.0.4), for an HTTP app that imports MetricsHttpModule. */
@Controller()
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** `/metrics` on an HTTP app (the services' and the gateway's HEALTH_PORT app); needs MetricsModule.forRoot in the same process. */
@Module({ controllers: [MetricsController] })
export class MetricsHttpModule {}
