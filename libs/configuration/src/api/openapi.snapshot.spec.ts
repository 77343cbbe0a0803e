import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '@workpoint/http-api';
import { OPERATOR_API_INFO } from './operator-api';
import { OPERATOR_API_ROUTE_LIST } from './operator-api.routes';

// The operator API's contract: its paths and schemas must not change when the code behind it
// does. Object keys are sorted so the file only changes when the document does; arrays keep
// their order (it can matter, e.g. `required`). After a deliberate contract change, rewrite
// the file with UPDATE_OPENAPI_SNAPSHOT=1 and review the diff.
const SNAPSHOT = join(__dirname, 'openapi.snapshot.json');

function stable(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    2,
  )}\n`;
}

describe('the operator API OpenAPI document', () => {
  it('matches the committed snapshot byte for byte', () => {
    const document = stable(buildOpenApiDocument(OPERATOR_API_ROUTE_LIST, OPERATOR_API_INFO));
    if (process.env['UPDATE_OPENAPI_SNAPSHOT'] === '1') writeFileSync(SNAPSHOT, document);
    expect(document).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });
});
