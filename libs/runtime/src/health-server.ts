import { type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsHttpModule } from '@workpoint/metrics';
import { anyAddress } from './health/any-address';
import { HealthModule } from './health/health.module';
import { type ProcessCoreDeps, ProcessCoreModule } from './process-core.module';

@Module({})
class HealthRootModule {}

/**
 * Plain-HTTP liveness/readiness and `/metrics` (Prometheus) of a process on HEALTH_PORT: each
 * distributed service, the gateway, and the embedded default (on HEALTH_HOST). By default on all interfaces: IPv6
 * and IPv4 (`::`, dual-stack) where the host has IPv6, else IPv4 only (see `anyAddress`):
 * a small Nest Fastify app beside the stage's microservice, which has no HTTP listener of its
 * own. See Readiness for what live and ready mean.
 */
export async function startHealthApp(port: number, deps: ProcessCoreDeps, logger: LoggerService, host?: string): Promise<NestFastifyApplication> {
  const root = { module: HealthRootModule, imports: [ProcessCoreModule.forRoot(deps), HealthModule, MetricsHttpModule] };
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger, bodyParser: false, abortOnError: false });
  await app.listen(port, host ?? (await anyAddress()));
  return app;
}
