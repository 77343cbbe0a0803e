import { HttpError } from '@workpoint/http-api';
import { ConfigurationError, type ConfigurationErrorCode } from './configuration.error';
import { operatorApiHttpError } from './operator-api.errors';

// The statuses and headers the operator API answered with when the services threw HttpError
// themselves: moving to coded errors must not change one of them.
const ANSWERS: [ConfigurationErrorCode, number, 'transient' | 'permanent', Record<string, string>][] = [
  ['invalid-request', 400, 'permanent', {}],
  ['phone-not-found', 404, 'permanent', {}],
  ['profile-not-found', 404, 'permanent', {}],
  ['site-not-found', 404, 'permanent', {}],
  ['api-key-not-found', 404, 'permanent', {}],
  ['profile-exists', 409, 'permanent', {}],
  ['profile-in-use', 409, 'permanent', {}],
  ['version-conflict', 409, 'permanent', {}],
  ['invalid-profile', 422, 'permanent', {}],
  ['invalid-overrides', 422, 'permanent', {}],
  ['unknown-profile', 422, 'permanent', {}],
  ['publish-failed', 503, 'transient', { 'Retry-After': '5' }],
];

describe('operatorApiHttpError', () => {
  it.each(ANSWERS)('answers %s with %i (%s)', (code, status, kind, headers) => {
    const details = [{ path: 'body.name', message: 'bad' }];
    const error = new ConfigurationError(code, `it went wrong: ${code}`, details);
    expect(error.kind).toBe(kind);
    const http = operatorApiHttpError(error);
    expect(http).toBeInstanceOf(HttpError);
    expect(http).toMatchObject({ status, code, message: `it went wrong: ${code}`, details, headers });
  });

  it('leaves other errors alone (they become a 500)', () => {
    expect(operatorApiHttpError(new Error('a bug'))).toBeUndefined();
  });
});
