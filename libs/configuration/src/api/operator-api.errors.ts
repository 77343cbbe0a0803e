import { HttpError } from '@workpoint/http-api';
import { ConfigurationError, type ConfigurationErrorCode } from './configuration.error';

/** A hint for the client after a failed publish (`Retry-After`): the broker usually recovers within seconds. */
export const PUBLISH_RETRY_AFTER_SECONDS = 5;

/** The operator API's answer to each configuration error code; a new code fails to compile until it is mapped here. */
export function operatorApiStatus(code: ConfigurationErrorCode): number {
  switch (code) {
    case 'invalid-request':
      return 400;
    case 'phone-not-found':
    case 'profile-not-found':
    case 'site-not-found':
    case 'api-key-not-found':
      return 404;
    case 'profile-exists':
    case 'profile-in-use':
    case 'version-conflict':
      return 409;
    case 'invalid-profile':
    case 'invalid-overrides':
    case 'unknown-profile':
      return 422;
    case 'publish-failed':
      return 503;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped configuration error code ${String(unmapped)}`);
    }
  }
}

/** The HTTP error a configuration error becomes at the operator API's edge; undefined for anything else (a 500). */
export function operatorApiHttpError(error: unknown): HttpError | undefined {
  if (!(error instanceof ConfigurationError)) return undefined;
  const headers: Record<string, string> = error.code === 'publish-failed' ? { 'Retry-After': String(PUBLISH_RETRY_AFTER_SECONDS) } : {};
  return new HttpError(operatorApiStatus(error.code), error.code, error.message, error.details, headers);
}
