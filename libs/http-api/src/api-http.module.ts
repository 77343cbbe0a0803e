import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ConfigurableModuleBuilder, Controller, type DynamicModule, Inject, type LoggerService, Module, StreamableFile, type Type } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiExceptionFilter } from './api-exception.filter';
import { API_HTTP_OPTIONS, type ApiHttpOptions } from './api-http.options';
import { ApiRoute } from './api-route.decorator';
import { ApiRequestHooks, MAX_LOGGED_PATH, pathOf } from './api.hooks';
import { OPENAPI_DOCUMENT_ROUTE } from './openapi-document.route';

@Controller()
class OpenApiDocumentController {
  constructor(@Inject(API_HTTP_OPTIONS) private readonly options: ApiHttpOptions) {}

  @ApiRoute(OPENAPI_DOCUMENT_ROUTE)
  document(): object {
    return this.options.document();
  }
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<ApiHttpOptions>({ optionsInjectionToken: API_HTTP_OPTIONS })
  .setClassMethodName('forRoot')
  .build();

/**
 * The cross-cutting parts of an API app on Nest + Fastify: the request hooks (request id, log
 * line, 429, authentication, content type and body limits, validation), the
 * exception filter and the OpenAPI document route. The app's own module imports it
 * (`ApiHttpModule.forRoot(options)` / `forRootAsync`) and declares its controllers.
 */
@Module({
  controllers: [OpenApiDocumentController],
  providers: [
    ApiRequestHooks,
    ApiExceptionFilter,
    { provide: APP_FILTER, useExisting: ApiExceptionFilter },
  ],
  exports: [ApiRequestHooks, ApiExceptionFilter, MODULE_OPTIONS_TOKEN],
})
export class ApiHttpModule extends ConfigurableModuleClass {}

/** The Fastify adapter of an API app: UUID request ids, no HEAD twins of GET routes (a HEAD gets 405, as before). */
export function apiAdapter(frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => void): FastifyAdapter {
  return new FastifyAdapter({
    genReqId: () => randomUUID(),
    // A path the router cannot decode never reaches a hook or Nest: answered here in the API's shape.
    frameworkErrors,
    exposeHeadRoutes: false,
    // Node's own defaults, which the hand-built server had: Fastify would switch the request
    // timeout off (a client trickling a body could hold a connection for ever) and keep idle
    // connections 72 s.
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
    // Long path segments get the routes' own validation error, not Fastify's 414.
    routerOptions: { maxParamLength: 8 * 1024 },
  });
}

/** Creates an API app for `module` (which imports ApiHttpModule); `listen` it, `close` it to stop. */
export async function createApiApp(module: Type<unknown> | DynamicModule, logger: LoggerService): Promise<NestFastifyApplication> {
  let answer = (_error: Error, _request: FastifyRequest, reply: FastifyReply): void => void reply.code(500).send();
  const app = await NestFactory.create<NestFastifyApplication>(module, apiAdapter((error, request, reply) => answer(error, request, reply)), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  const hooks = app.get(ApiRequestHooks);
  const filter = app.get(ApiExceptionFilter);
  hooks.install(app.getHttpAdapter().getInstance());
  answer = (error, request, reply) => {
    hooks.begin(request, reply).log.path = pathOf(request).slice(0, MAX_LOGGED_PATH);
    filter.answer(request, reply, hooks.shutOut(request) ?? error);
  };
  return app;
}

/** The port an app is bound to (the OS picks one for port 0). */
export function boundPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the API is not bound to a TCP port');
  return address.port;
}

/**
 * A streamed answer (CSV export, NDJSON progress): chunked, written as the iterable yields and
 * no faster than the client reads. When the client goes away (or the app closes) the stream is
 * destroyed, which closes the iterable, so a generator's `finally` runs.
 */
export function streamOf(chunks: AsyncIterable<string | Buffer>, type: string, disposition?: string): StreamableFile {
  return new StreamableFile(Readable.from(chunks), { type, ...(disposition ? { disposition } : {}) });
}
