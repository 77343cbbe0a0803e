import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  type AnyRoute,
  API_ROUTE,
  ApiHttpModule,
  type ApiHttpOptions,
  AuthFailureLimiter,
  boundPort,
  buildOpenApiDocument,
  createApiApp,
  DEFAULT_AUTH_FAILURE_LIMITS,
  type OpenApiDocument,
} from '@workpoint/http-api';
import { Logger, NestLoggerAdapter } from '@workpoint/logging';
import { ApiKeys, AuditLog } from './access';
import { AssignmentService } from './assignment.service';
import { ChangeFanout } from './change-fanout';
import { CommandService } from './command.service';
import { ImportService } from './import.service';
import { OPERATOR_API_CONTROLLERS } from './operator-api.controllers';
import { operatorApiHttpError } from './operator-api.errors';
import { OPERATOR_API_ROUTE_LIST } from './operator-api.routes';
import { PhoneJobService } from './phone-job.service';
import { PhoneService } from './phone.service';
import { ProfileService } from './profile.service';
import { SiteService } from './site.service';

/** Token of the operator API's settings (`OperatorApiModule.forRoot`). */
export const OPERATOR_API_SETTINGS = Symbol('OPERATOR_API_SETTINGS');

export interface OperatorApiSettings {
  host: string;
  port: number;
  /** Bootstrap admin key (`wpk_…`), stored hashed at start. */
  adminKey?: string | undefined;
  maxBodyBytes?: number | undefined;
  /** Failed authentications per source address and minute before it gets 429 (`API_AUTH_FAILURES_PER_MINUTE`). */
  authFailuresPerMinute?: number | undefined;
  /** Source addresses counted at once (`API_AUTH_TRACKED_SOURCES`). */
  authTrackedSources?: number | undefined;
}

export const OPERATOR_API_INFO = {
  title: 'Workpoint operator API',
  version: '1.0.0',
  description:
    'Phones, profiles and their layering, assignments, jobs, imports, API keys and the audit log. ' +
    'Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`); roles: read-only < operator < admin. ' +
    'After repeated failed authentications a source address gets 429 (with `Retry-After`) on every request for the rest of that minute. ' +
    'Errors are `{ "error": { "code", "message", "details" }, "requestId" }`.',
};

/** The services the controllers call, taken from the configuration service's container. */
const SERVED: Type<unknown>[] = [PhoneService, PhoneJobService, AssignmentService, ProfileService, SiteService, ImportService, CommandService, ApiKeys, AuditLog];

/**
 * The operator API's HTTP app: its controllers on Nest + Fastify, with ApiHttpModule's hooks,
 * interceptor and filter. Its own Nest application, because the configuration service is a
 * Kafka microservice with no HTTP adapter; the controllers get the service's own instances
 * (`resolve`), never copies.
 */
@Module({})
export class OperatorApiHttpModule {
  static forRoot(resolve: <T>(type: Type<T>) => T, options: ApiHttpOptions): DynamicModule {
    return {
      module: OperatorApiHttpModule,
      imports: [ApiHttpModule.forRoot(options)],
      controllers: OPERATOR_API_CONTROLLERS,
      providers: SERVED.map((type) => ({ provide: type, useFactory: () => resolve(type) })),
    };
  }
}

/** Fails at start when a documented route has no controller method, or a controller method no documented route. */
export function checkControllersServe(routes: readonly AnyRoute[]): void {
  const served = OPERATOR_API_CONTROLLERS.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((key) => {
      const spec = Reflect.getMetadata(API_ROUTE, (controller.prototype as unknown as Record<string, object>)[key]!) as AnyRoute | undefined;
      return spec ? [spec.operationId] : [];
    }),
  );
  const documented = routes.map((r) => r.operationId);
  const missing = documented.filter((id) => !served.includes(id));
  const extra = served.filter((id) => !documented.includes(id));
  if (missing.length > 0 || extra.length > 0) throw new Error(`operator API routes without a controller method: [${missing.join()}]; served but not documented: [${extra.join()}]`);
}

/** The operator API's HTTP app, started and stopped with the configuration service. */
@Injectable()
export class OperatorApi implements OnApplicationBootstrap, OnApplicationShutdown {
  private app?: NestFastifyApplication;
  private document?: OpenApiDocument;
  private readonly logger: Logger;
  port?: number;

  constructor(
    private readonly keys: ApiKeys,
    private readonly fanout: ChangeFanout,
    @Inject(OPERATOR_API_SETTINGS) private readonly settings: OperatorApiSettings,
    logger: Logger,
    private readonly moduleRef: ModuleRef,
  ) {
    this.logger = logger.child({ component: 'operator-api' });
  }

  openApiDocument(): OpenApiDocument {
    this.document ??= buildOpenApiDocument(OPERATOR_API_ROUTE_LIST, OPERATOR_API_INFO);
    return this.document;
  }

  async onApplicationBootstrap(): Promise<void> {
    checkControllersServe(OPERATOR_API_ROUTE_LIST);
    if (this.settings.adminKey) await this.keys.ensureBootstrapKey(this.settings.adminKey);
    const module = OperatorApiHttpModule.forRoot((type) => this.moduleRef.get(type, { strict: false }), {
      routes: OPERATOR_API_ROUTE_LIST,
      authenticate: (key) => this.keys.authenticate(key),
      logger: this.logger,
      maxBodyBytes: this.settings.maxBodyBytes,
      document: () => this.openApiDocument(),
      mapError: operatorApiHttpError,
      authFailures: new AuthFailureLimiter({
        failuresPerWindow: this.settings.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURE_LIMITS.failuresPerWindow,
        maxSources: this.settings.authTrackedSources ?? DEFAULT_AUTH_FAILURE_LIMITS.maxSources,
      }),
    });
    this.app = await createApiApp(module, new NestLoggerAdapter(this.logger));
    await this.app.listen(this.settings.port, this.settings.host);
    this.port = boundPort(this.app);
    this.logger.info('operator API listening', { host: this.settings.host, port: this.port, openapi: '/api/v1/openapi.json' });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.app?.close();
    await this.fanout.settled();
  }
}
