import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BusHealthIndicator } from './bus.health';
import { HealthController } from './health.controller';

/**
 * `/healthz` and `/readyz` for a Nest Fastify app: the gateway's DCMP listener and the services'
 * HEALTH_PORT. Needs BUS (and DataSource, if the database counts) from a global module.
 */
@Module({
  // Quiet as the hand-built server was: a probe polls every few seconds, and a down dependency
  // is already logged by the bus and by the stage that needs it.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [BusHealthIndicator],
})
export class HealthModule {}
