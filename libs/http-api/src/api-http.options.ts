import type { Logger } from '@workpoint/logging';
import type { Principal } from './api-role';
import type { AuthFailureLimiter } from './auth-failure.limiter';
import type { HttpError } from './http-error';
import type { AnyRoute } from './route.definition';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Token of an API app's options (`ApiHttpModule.forRoot` / `forRootAsync`). */
export const API_HTTP_OPTIONS = Symbol('API_HTTP_OPTIONS');

export interface ApiHttpOptions {
  /** Every route the controllers serve: the 405 table and the OpenAPI document come from it. */
  routes: readonly AnyRoute[];
  /** Resolves a presented key to its principal; undefined for unknown or revoked keys. */
  authenticate: (presentedKey: string) => Promise<Principal | undefined>;
  logger: Logger;
  /** Limit for JSON bodies, and the default for text bodies. */
  maxBodyBytes?: number | undefined;
  /** Served at `GET /api/v1/openapi.json` without a key. */
  document: () => object;
  /** Shuts out a source address after repeated failed authentications (default: 10 a minute). */
  authFailures?: AuthFailureLimiter | undefined;
  /**
   * Turns a handler's domain error into the answer for it (the API's exhaustive code map);
   * undefined for errors it does not know, which become a logged 500.
   */
  mapError?: ((error: unknown) => HttpError | undefined) | undefined;
}
