import { Controller, Get, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { BusHealthIndicator } from './bus.health';

/**
 * Liveness and readiness for orchestrators (docker-compose, Kubernetes), on a Fastify app:
 * GET /healthz = the process runs; GET /readyz = it can reach what it needs: the bus, and the
 * database (`SELECT 1` through TypeORM) where the app has a data source. The bodies stay the
 * short plain texts they were before terminus ('ok', 'ready', 'not ready'); the status is the answer.
 */
@Controller()
export class HealthController {
  private readonly checks: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    bus: BusHealthIndicator,
    database: TypeOrmHealthIndicator,
    @Optional() dataSource?: DataSource,
  ) {
    this.checks = [() => bus.check('bus'), ...(dataSource ? [() => database.pingCheck('database', { connection: dataSource })] : [])];
  }

  @Get('healthz')
  liveness(@Res() reply: FastifyReply): FastifyReply {
    return text(reply, 200, 'ok\n');
  }

  @Get('readyz')
  async readiness(@Res() reply: FastifyReply): Promise<FastifyReply> {
    try {
      await this.health.check(this.checks);
      return text(reply, 200, 'ready\n');
    } catch (error) {
      // Terminus reports a failed check as 503 with its result; anything else is a bug of ours.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return text(reply, 503, 'not ready\n');
    }
  }
}

function text(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('Content-Type', 'text/plain; charset=utf-8').send(body);
}
