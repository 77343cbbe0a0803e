/** What can go wrong in configuration's domain code; every edge maps each code (see `operatorApiHttpError`). */
export type ConfigurationErrorCode =
  | 'invalid-request'
  | 'phone-not-found'
  | 'profile-not-found'
  | 'site-not-found'
  | 'api-key-not-found'
  | 'profile-exists'
  | 'profile-in-use'
  | 'version-conflict'
  | 'invalid-profile'
  | 'invalid-overrides'
  | 'unknown-profile'
  | 'publish-failed';

/** Transient: the same request may succeed later (the broker is back). Permanent: it never will as sent. */
export type ErrorKind = 'transient' | 'permanent';

/**
 * Thrown by configuration's domain code. The message and details reach the operator as they
 * are (the API answers with them), so they must not carry secrets. Details are validation
 * problems (`[{ path, message }]`) or, for `version-conflict`, `{ currentVersion }`.
 */
export class ConfigurationError extends Error {
  readonly kind: ErrorKind;

  constructor(
    readonly code: ConfigurationErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ConfigurationError';
    this.kind = kindOf(code);
  }
}

function kindOf(code: ConfigurationErrorCode): ErrorKind {
  switch (code) {
    case 'publish-failed':
      return 'transient';
    case 'invalid-request':
    case 'phone-not-found':
    case 'profile-not-found':
    case 'site-not-found':
    case 'api-key-not-found':
    case 'profile-exists':
    case 'profile-in-use':
    case 'version-conflict':
    case 'invalid-profile':
    case 'invalid-overrides':
    case 'unknown-profile':
      return 'permanent';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped configuration error code ${String(unmapped)}`);
    }
  }
}
