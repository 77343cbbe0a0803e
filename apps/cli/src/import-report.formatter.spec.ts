import { formatHttpFailure, formatImportReport } from './import-report.formatter';
import type { ImportResult } from './import-stream.schema';

const result = (overrides: Partial<ImportResult> = {}): ImportResult => ({
  type: 'result',
  dryRun: false,
  lines: 3,
  valid: 3,
  created: 1,
  updated: 1,
  unchanged: 1,
  errors: [],
  ...overrides,
});

describe('formatImportReport', () => {
  it('reports an applied import with its counts', () => {
    expect(formatImportReport(result())).toBe('Imported 3 lines: 1 created, 1 updated, 1 unchanged.\n');
  });

  it('says a clean dry run would change things but did not', () => {
    expect(formatImportReport(result({ dryRun: true, lines: 1, valid: 1, created: 1, updated: 0, unchanged: 0 }))).toBe(
      'Dry run: 1 line, all valid. Would create 1, update 0, leave 0 unchanged.\nNothing was applied.\n',
    );
  });

  it('lists errors by line and column, and that nothing was applied', () => {
    const report = formatImportReport(
      result({
        valid: 1,
        errors: [
          { line: 12, column: 'mac', message: 'not a MAC address: "xx"' },
          { line: 14, message: 'expected 2 fields as in the header, found 3' },
        ],
      }),
    );
    expect(report.split('\n')).toEqual([
      '3 lines, 1 valid; 2 errors.',
      'Nothing was applied (an import is all or nothing): fix the file and import it again.',
      'line 12, mac: not a MAC address: "xx"',
      'line 14: expected 2 fields as in the header, found 3',
      '',
    ]);
  });

  it('prints at most 50 errors, then how many more', () => {
    const errors = Array.from({ length: 120 }, (_, i) => ({ line: i + 2, column: 'e164', message: 'not an E.164 number: "x"' }));
    const lines = formatImportReport(result({ errors, valid: 0 })).trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('line '))).toHaveLength(50);
    expect(lines[lines.length - 2]).toBe('line 51, e164: not an E.164 number: "x"');
    expect(lines[lines.length - 1]).toBe('… and 70 more');
  });

  it('reports a fatal problem', () => {
    const report = formatImportReport(result({ lines: 0, valid: 0, fatal: { code: 'encoding', message: 'the file must be UTF-8' } }));
    expect(report).toBe('Import refused (encoding): the file must be UTF-8\nNothing was applied.\n');
  });
});

describe('formatHttpFailure', () => {
  it('gives the API error, a hint for the status and the request id', () => {
    const body = JSON.stringify({ error: { code: 'unauthorized', message: 'unknown API key' }, requestId: 'req-7' });
    expect(formatHttpFailure(401, body)).toBe(
      'the server answered HTTP 401 unauthorized: unknown API key (check the API key (--key or WORKPOINT_API_KEY)) [request req-7]',
    );
  });

  it('includes the details', () => {
    const body = JSON.stringify({ error: { code: 'payload-too-large', message: 'body over 10 MiB', details: { limit: 10485760 } }, requestId: 'r' });
    expect(formatHttpFailure(413, body)).toContain('payload-too-large: body over 10 MiB {"limit":10485760} (the file is too large for the server: split it)');
  });

  it('shows the start of a body that is not the API error shape', () => {
    expect(formatHttpFailure(502, '<html>\n  <h1>Bad Gateway</h1>\n</html>')).toBe('the server answered HTTP 502: <html> <h1>Bad Gateway</h1> </html>');
    expect(formatHttpFailure(403, '')).toBe('the server answered HTTP 403 (this API key may not import phones)');
  });
});
