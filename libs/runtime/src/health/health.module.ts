import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerHealthIndicator } from './broker.health';
import { ConsumersHealthIndicator } from './consumers.health';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

/**
 * `/healthz` and `/readyz` for a Nest Fastify app: the gateway's DCMP listener and the services'
 * HEALTH_PORT. Needs BUS, Logger, ProcessLifecycle, HEALTH_SETTINGS (and DataSource, if the
 * database counts) from ProcessCoreModule. Global, so the gateway's phone edge answers its own
 * probes from the same Readiness.
 */
@Global()
@Module({
  // Quiet: a probe polls every few seconds; Readiness logs each change instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [BrokerHealthIndicator, ConsumersHealthIndicator, Readiness],
  exports: [Readiness],
})
export class HealthModule {}
