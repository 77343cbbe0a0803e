import { type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { anyAddress } from './health/any-address';
import { HealthModule } from './health/health.module';
import { type ProcessCoreDeps, ProcessCoreModule } from './process-core.module';

@Module({})
class HealthRootModule {}

/**
 * Plain-HTTP liveness/readiness of a distributed service on HEALTH_PORT, all interfaces: IPv6
 * and IPv4 (`::`, dual-stack) where the host has IPv6, else IPv4 only (see `anyAddress`):
 * a small Nest Fastify app beside the stage's microservice, which has no HTTP listener of its
 * own. See Readiness for what live and ready mean.
 */
export async function startHealthApp(
  port: number,
  deps: Required<Pick<ProcessCoreDeps, 'bus' | 'logger' | 'dataSource'>> & ProcessCoreDeps,
  logger: LoggerService,
): Promise<NestFastifyApplication> {
  const root = { module: HealthRootModule, imports: [ProcessCoreModule.forRoot(deps), HealthModule] };
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger, bodyParser: false, abortOnError: false });
  await app.listen(port, await anyAddress());
  return app;
}
