import { z } from 'zod';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.builder';
import { defineRoute } from './route.definition';
import { validateOpenApiDocument } from './testing/openapi-validation';
import { sampleRoutes } from './testing/sample.routes';

/** `dig(x, 'a', 'b')` is `x.a.b`, or undefined where the path breaks. */
function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

const info = { title: 'Workpoint operator API', version: '1.0.0', description: 'Sample' };

describe('buildOpenApiDocument', () => {
  let doc: OpenApiDocument;
  beforeAll(() => {
    doc = buildOpenApiDocument(sampleRoutes, info);
  });

  it('produces a document the official OpenAPI 3.1 schema accepts', async () => {
    const result = await validateOpenApiDocument(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is rejected by the validator when broken, so the check above can fail', async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    const paths = broken['paths'] as Record<string, Record<string, Record<string, unknown>>>;
    delete paths['/api/v1/phones']!['get']!['responses'];
    paths['/api/v1/phones']!['get']!['parameters'] = [{ name: 'limit', in: 'cookie-jar' }];
    const result = await validateOpenApiDocument(broken);
    expect(result.valid).toBe(false);
  });

  it('documents every route, plus the document route itself', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/health',
      '/api/v1/openapi.json',
      '/api/v1/phones',
      '/api/v1/phones/export.csv',
      '/api/v1/phones/import',
      '/api/v1/phones/{mac}',
    ]);
    expect(Object.keys(doc.paths['/api/v1/phones/{mac}']!).sort()).toEqual(['delete', 'get']);
    expect(doc.paths['/api/v1/phones']!['get']).toMatchObject({ operationId: 'listPhones', summary: 'List phones', tags: ['phones'] });
    expect(doc.tags).toEqual([{ name: 'meta' }, { name: 'phones' }]);
  });

  it('documents path and query parameters from the zod schemas, with required flags', () => {
    expect(doc.paths['/api/v1/phones/{mac}']!['get']!['parameters']).toEqual([
      expect.objectContaining({ name: 'mac', in: 'path', required: true, schema: expect.objectContaining({ type: 'string', pattern: expect.any(String) }) }),
    ]);
    const query = doc.paths['/api/v1/phones']!['get']!['parameters'] as Record<string, unknown>[];
    expect(query.map((p) => [p['name'], p['in'], p['required']])).toEqual([
      ['limit', 'query', false],
      ['active', 'query', false],
      ['site', 'query', false],
    ]);
    expect(query[0]).toMatchObject({ description: 'Page size', schema: { type: 'integer', default: 50, minimum: 1, maximum: 500 } });
  });

  it('documents JSON and text request bodies', () => {
    const json = doc.paths['/api/v1/phones']!['post']!['requestBody'];
    expect(dig(json, 'required')).toBe(true);
    expect(dig(json, 'content', 'application/json', 'schema')).toMatchObject({ type: 'object', required: ['mac', 'site', 'items'] });
    const csv = doc.paths['/api/v1/phones/import']!['post']!['requestBody'];
    expect(dig(csv, 'content')).toEqual({ 'text/csv': { schema: { type: 'string' } } });
  });

  it('adds the shared error responses: 401/403 only where a key is needed, 413/415 only with a body, 429 everywhere', () => {
    const responses = (path: string, method: string): string[] =>
      Object.keys(doc.paths[path]![method]!['responses'] as object).sort();
    expect(responses('/api/v1/phones', 'post')).toEqual(['201', '400', '401', '403', '413', '415', '429', '500']);
    expect(responses('/api/v1/phones/{mac}', 'get')).toEqual(['200', '400', '401', '403', '404', '429', '500']);
    expect(responses('/api/v1/health', 'get')).toEqual(['200', '400', '429', '500']);
    const notFound = dig(doc.paths['/api/v1/phones/{mac}']!['get'], 'responses', '404', 'content', 'application/json', 'schema');
    expect(notFound).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas['Error']).toMatchObject({ type: 'object', required: ['error', 'requestId'] });
  });

  it('declares both key schemes, required on keyed routes and not on public ones', () => {
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    expect(doc.paths['/api/v1/phones']!['post']!['security']).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    expect(doc.paths['/api/v1/health']!['get']!['security']).toEqual([]);
    expect(doc.paths['/api/v1/openapi.json']!['get']!['security']).toEqual([]);
  });

  it('lifts schemas with a meta id into components, separating input and output shapes that differ', () => {
    const schemas = doc.components.schemas;
    // Output: `value` has a default, so it is always present.
    expect(schemas['Item']).toMatchObject({ required: ['name', 'value'] });
    // Input: a client may leave `value` out.
    expect(schemas['ItemInput']).toMatchObject({ required: ['name'] });
    const ok = dig(doc.paths['/api/v1/phones/{mac}']!['get'], 'responses', '200', 'content', 'application/json', 'schema');
    expect(ok).toEqual({ $ref: '#/components/schemas/Phone' });
    expect(JSON.stringify(doc)).not.toContain('$defs');
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('turns a self-recursive schema into a component instead of a `#` reference to the document', async () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.object({ name: z.string(), get children() { return z.array(node); } });
    const tree = defineRoute({
      method: 'GET',
      path: '/tree',
      operationId: 'getTree',
      summary: 'Tree',
      tag: 't',
      role: 'public',
      responses: { 200: { description: 'Tree', schema: node } },
    });
    const treeDoc = buildOpenApiDocument([tree], info);
    expect(JSON.stringify(treeDoc)).not.toContain('"$ref":"#"');
    expect((await validateOpenApiDocument(treeDoc)).valid).toBe(true);
  });

  it('refuses route tables whose params schema does not match the path template', () => {
    const bad = defineRoute({
      method: 'GET',
      path: '/api/v1/phones/{mac}/items/{name}',
      operationId: 'getItem',
      summary: 'Item',
      tag: 'phones',
      role: 'read-only',
      params: z.object({ mac: z.string() }),
      responses: {},
    });
    expect(() => buildOpenApiDocument([bad], info)).toThrow(/params schema has \[mac\], path has \[mac,name\]/);
  });
});
