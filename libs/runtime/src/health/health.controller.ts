import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readiness } from './readiness';

/**
 * Liveness and readiness for orchestrators (docker-compose, Kubernetes), on a Fastify app:
 * GET /healthz = the process can go on (no consumer stopped for good; a broker outage is not
 * a reason to restart it); GET /readyz = it should get work: not draining, the broker and the
 * database (where it has one) answer; see Readiness. The bodies are short plain texts; the
 * status is the answer.
 */
@Controller()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('healthz')
  liveness(@Res() reply: FastifyReply): FastifyReply {
    return this.readiness.alive() ? text(reply, 200, 'ok\n') : text(reply, 503, 'consumer stopped\n');
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<FastifyReply> {
    return (await this.readiness.ready()) ? text(reply, 200, 'ready\n') : text(reply, 503, 'not ready\n');
  }
}

function text(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('Content-Type', 'text/plain; charset=utf-8').send(body);
}
