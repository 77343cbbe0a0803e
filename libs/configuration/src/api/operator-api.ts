import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type AnyRoute,
  type ApiServer,
  AuthFailureLimiter,
  buildOpenApiDocument,
  createApiServer,
  DEFAULT_AUTH_FAILURE_LIMITS,
  type OpenApiDocument,
} from '@workpoint/http-api';
import { Logger } from '@workpoint/logging';
import { ApiKeys } from './access';
import { ChangeFanout } from './change-fanout';
import { operatorApiHttpError } from './operator-api.errors';

/** Token of the operator API's settings (`OperatorApiModule.forRoot`). */
export const OPERATOR_API_SETTINGS = Symbol('OPERATOR_API_SETTINGS');
/** Token of the operator API's route table (`operatorApiRoutes`, built from the injected services). */
export const OPERATOR_API_ROUTES = Symbol('OPERATOR_API_ROUTES');

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

/** The operator API's HTTP server, started and stopped with the configuration service. */
@Injectable()
export class OperatorApi implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: ApiServer;
  private document?: OpenApiDocument;
  private readonly logger: Logger;
  port?: number;

  constructor(
    @Inject(OPERATOR_API_ROUTES) private readonly routes: AnyRoute[],
    private readonly keys: ApiKeys,
    private readonly fanout: ChangeFanout,
    @Inject(OPERATOR_API_SETTINGS) private readonly settings: OperatorApiSettings,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'operator-api' });
  }

  openApiDocument(): OpenApiDocument {
    this.document ??= buildOpenApiDocument(this.routes, OPERATOR_API_INFO);
    return this.document;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.adminKey) await this.keys.ensureBootstrapKey(this.settings.adminKey);
    this.server = createApiServer({
      routes: this.routes,
      authenticate: (key) => this.keys.authenticate(key),
      logger: this.logger,
      ...(this.settings.maxBodyBytes ? { maxBodyBytes: this.settings.maxBodyBytes } : {}),
      document: () => this.openApiDocument(),
      mapError: operatorApiHttpError,
      authFailures: new AuthFailureLimiter({
        failuresPerWindow: this.settings.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURE_LIMITS.failuresPerWindow,
        maxSources: this.settings.authTrackedSources ?? DEFAULT_AUTH_FAILURE_LIMITS.maxSources,
      }),
    });
    this.port = await this.server.listen(this.settings.port, this.settings.host);
    this.logger.info('operator API listening', { host: this.settings.host, port: this.port, openapi: '/api/v1/openapi.json' });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.fanout.settled();
  }
}
