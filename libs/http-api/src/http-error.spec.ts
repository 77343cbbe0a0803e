import { HttpError } from './http-error';

describe('HttpError', () => {
  it('carries status, code, message and details', () => {
    const error = new HttpError(409, 'job-already-queued', 'A job is already queued', { jobId: 'j-1' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status: 409, code: 'job-already-queued', message: 'A job is already queued', details: { jobId: 'j-1' } });
  });

  it.each([200, 302, 399, 600, 404.5])('refuses the non-error status %s', (status) => {
    expect(() => new HttpError(status, 'x', 'y')).toThrow(RangeError);
  });
});
