import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from '@workpoint/logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings';
import { refusalReply } from './gateway.error';
import type { HttpReply } from './http-reply';
import { admitPerSource, capConnections, clientErrorAnswer, isProbe, remoteAddressOf, SERVER_TIMEOUTS } from './http-server.util';
import { PerSourceLimiter } from './per-source.limiter';

/** Writes a reply with an exact Content-Length (Fastify computes it for a string body, never chunks one). */
export function sendFastifyReply(reply: FastifyReply, answer: HttpReply): FastifyReply {
  reply.code(answer.status).headers(answer.headers);
  if (answer.headers['Connection'] === 'close') reply.raw.once('finish', () => reply.raw.socket?.destroySoon());
  return reply.send(answer.body);
}

/**
 * The Fastify adapter of the gateway's plain-HTTP listener (DCMP polls and probes). The Node
 * server is ours (serverFactory) so that it keeps the phone edge's limits: the same timeouts,
 * the connection cap (GATEWAY_MAX_CONNECTIONS), and the bare 400 to a request Node cannot parse.
 */
export function dcmpAdapter(settings: Pick<GatewaySettings, 'maxConnections'>, logger: Logger): FastifyAdapter {
  return new FastifyAdapter({
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = createServer(SERVER_TIMEOUTS, handler);
      capConnections(server, settings.maxConnections, logger, 'DCMP');
      return server;
    },
    clientErrorHandler: clientErrorAnswer(logger, 'DCMP'),
    // /dcmp/contact-me/ is a poll too, as it was before Fastify.
    routerOptions: { ignoreTrailingSlash: true },
  });
}

/**
 * Per-source concurrency on the DCMP listener: polls in flight per remote address
 * (PER_SOURCE_MAX_CONCURRENT); more get 503 busy + Retry-After before anything else is done.
 */
@Injectable()
export class DcmpAdmission {
  private readonly perSource: PerSourceLimiter;

  constructor(
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
    private readonly logger: Logger,
  ) {
    this.perSource = new PerSourceLimiter(settings.perSourceMaxConcurrent);
  }

  /** A Fastify onRequest hook: the request goes on (`done`) or is answered busy here. */
  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (isProbe(request.raw.url) || admitPerSource(this.perSource, request.raw, reply.raw)) return done();
    this.logger.warn('refused a DCMP poll: too many in flight from this address', { remoteAddress: remoteAddressOf(request.raw), limit: this.perSource.maxPerSource });
    void sendFastifyReply(reply, refusalReply({ code: 'source-busy', limit: this.perSource.maxPerSource }));
  };
}

/** The DCMP listener's answers to what no handler answered: plain-text bodies, as phones expect. */
@Catch()
@Injectable()
export class DcmpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof NotFoundException) {
      void sendFastifyReply(reply, refusalReply({ code: 'not-found' }));
      return;
    }
    const status = error instanceof HttpException ? error.getStatus() : statusOf(error);
    if (status !== undefined && status < 500) {
      void sendFastifyReply(reply, refusalReply({ code: 'bad-request', status, message: error instanceof Error ? error.message : 'bad request' }));
      return;
    }
    this.logger.error('unexpected error answering a DCMP poll', { error: error instanceof Error ? error.stack : String(error) });
    if (!reply.sent) void sendFastifyReply(reply, refusalReply({ code: 'internal' }));
    else reply.raw.destroy();
  }
}

/** Fastify's own errors (a bad URL, a body it refused) carry their status. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Hooks the admission in before any route and lets every body through undrained by a parser: a
 * poll has none, and whatever comes is read and dropped so the connection can be reused (a POST
 * gets its 405, not a 415 of a content type nobody parses).
 */
export function configureDcmpApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', app.get(DcmpAdmission).onRequest);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    payload.once('end', () => done(null, undefined));
    payload.once('error', (error) => done(error, undefined));
  });
}

/** The port the DCMP listener is bound to (DCMP_PORT, or the one the OS chose for 0). */
export function dcmpPortOf(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the DCMP listener is not bound to a TCP port');
  return address.port;
}
