import { z } from 'zod';
import { apiErrorBodySchema } from './http-error';
import { OPENAPI_DOCUMENT_ROUTE } from './openapi-document.route';
import { isTextBody, type AnyRoute, type ObjectSchema } from './route.definition';
import { checkRoutes, parsePathTemplate } from './route-paths';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonObject = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  tags: { name: string }[];
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, JsonObject>; securitySchemes: Record<string, JsonObject> };
}

const COMPONENTS = '#/components/schemas/';
const ERROR_CONTENT = { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } };

/** Either of the two ways to present a key; an operation needs one of them. */
const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'API key as `Authorization: Bearer wpk_…`' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key as `X-API-Key: wpk_…`' },
};
const KEY_REQUIRED = [{ apiKey: [] }, { apiKeyHeader: [] }];

/**
 * The OpenAPI 3.1 document of a route table (plus the document route itself): the same
 * schemas that validate requests describe them here, so the two cannot drift.
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[], info: OpenApiInfo): OpenApiDocument {
  const all = [...routes, OPENAPI_DOCUMENT_ROUTE];
  checkRoutes(all); // the same consistency checks the server makes (duplicates, params vs path)
  const components = new SchemaComponents();
  components.schemas['Error'] = components.convert(apiErrorBodySchema, 'output');

  const paths: OpenApiDocument['paths'] = {};
  for (const route of all) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, components);
  }
  const tags = [...new Set(all.map((r) => r.tag))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    tags,
    paths,
    components: { schemas: components.schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(route: AnyRoute, components: SchemaComponents): JsonObject {
  const isPublic = route.role === 'public';
  const roleNote = isPublic ? 'No API key needed.' : `Requires the \`${route.role}\` role or higher.`;
  const parameters = [...pathParameters(route, components), ...queryParameters(route.query, components)];
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description ? `${route.description}\n\n${roleNote}` : roleNote,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBody(route, components) } : {}),
    responses: responses(route, components),
    security: isPublic ? [] : KEY_REQUIRED,
    'x-required-role': route.role,
  };
}

function pathParameters(route: AnyRoute, components: SchemaComponents): JsonObject[] {
  if (route.params) return objectParameters(route.params, 'path', components);
  return parsePathTemplate(route.path).flatMap((s) =>
    s.kind === 'param' ? [{ name: s.name, in: 'path', required: true, schema: { type: 'string' } }] : [],
  );
}

function queryParameters(query: ObjectSchema | undefined, components: SchemaComponents): JsonObject[] {
  return query ? objectParameters(query, 'query', components) : [];
}

/** One parameter per property; query values are documented as clients send them (`io: input`). */
function objectParameters(schema: ObjectSchema, location: 'path' | 'query', components: SchemaComponents): JsonObject[] {
  const json = components.resolve(components.convert(schema, 'input'));
  const properties = (json['properties'] ?? {}) as Record<string, JsonObject>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property['description'] === 'string' ? { description: property['description'] } : {}),
    schema: property,
  }));
}

function requestBody(route: AnyRoute, components: SchemaComponents): JsonObject {
  const body = route.body!;
  if (isTextBody(body)) {
    return {
      required: true,
      ...(body.maxBytes !== undefined ? { description: `At most ${body.maxBytes} bytes.` } : {}),
      content: { [body.contentType]: { schema: { type: 'string' } } },
    };
  }
  return { required: true, content: { 'application/json': { schema: components.convert(body, 'input') } } };
}

function responses(route: AnyRoute, components: SchemaComponents): JsonObject {
  const out: JsonObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const contentType = spec.contentType ?? 'application/json';
    let content: JsonObject | undefined;
    if (spec.schema) content = { [contentType]: { schema: components.convert(spec.schema, 'output') } };
    else if (Number(status) >= 400) content = ERROR_CONTENT;
    else if (spec.contentType) content = { [contentType]: {} };
    out[status] = { description: spec.description, ...(content ? { content } : {}) };
  }
  const common: [number, string, boolean][] = [
    [400, 'Invalid request: bad parameters, query or body, or invalid JSON', true],
    [401, 'No API key, or an unknown or revoked one', route.role !== 'public'],
    [403, `The API key's role is below \`${route.role}\``, route.role !== 'public'],
    [413, 'The request body is too large', route.body !== undefined],
    [415, 'Wrong Content-Type for the request body', route.body !== undefined],
    [429, 'Too many failed authentications from this address: every request is refused until `Retry-After` seconds have passed', true],
    [500, 'Unexpected server error', true],
  ];
  for (const [status, description, applies] of common) {
    if (applies && !(String(status) in out)) out[status] = { description, content: ERROR_CONTENT };
  }
  return out;
}

/**
 * Converts zod schemas to JSON Schema and lifts named schemas (`.meta({ id })`) into
 * `components.schemas`. Input and output shapes can differ (defaults make fields optional
 * on input); when a name is already taken by a different shape, the whole conversion's
 * names get an `Input`/`Output` suffix instead.
 */
class SchemaComponents {
  readonly schemas: Record<string, JsonObject> = {};
  private anonymous = 0;

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
    const { $defs, ...root } = converted;
    const defs = { ...(($defs ?? {}) as Record<string, JsonObject>) };
    // A schema that recurses into itself refers to `#`, which inside OpenAPI would mean the
    // whole document: it becomes a component of its own.
    let rootName: string | undefined;
    if (refersToRoot(root)) {
      rootName = `__root`;
      defs[rootName] = root;
    }
    for (const suffix of ['', io === 'input' ? 'Input' : 'Output']) {
      const names = new Map(Object.keys(defs).map((n) => [n, n.startsWith('__') ? this.anonymousName() : n + suffix]));
      const rename = (ref: string): string => COMPONENTS + names.get(ref === '#' ? rootName! : ref.slice('#/$defs/'.length))!;
      const placed = [...names].map(([from, to]) => [to, rewrite(defs[from]!, rename)] as const);
      if (placed.every(([name, def]) => !(name in this.schemas) || canonical(this.schemas[name]) === canonical(def))) {
        for (const [name, def] of placed) this.schemas[name] = def as JsonObject;
        return rootName ? { $ref: rename('#') } : (rewrite(root, rename) as JsonObject);
      }
    }
    throw new Error(`Different schemas share the OpenAPI component name(s) ${Object.keys(defs).join(', ')}`);
  }

  /** The schema itself, or the component a `$ref` points to. */
  resolve(json: JsonObject): JsonObject {
    const ref = json['$ref'];
    if (typeof ref === 'string' && ref.startsWith(COMPONENTS)) return this.schemas[ref.slice(COMPONENTS.length)] ?? json;
    return json;
  }

  private anonymousName(): string {
    this.anonymous += 1;
    return `Anonymous${this.anonymous}`;
  }
}

/** Deep copy with `$ref`s renamed and `$schema` keys dropped. */
function rewrite(value: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, rename));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$schema') continue;
    out[key] = key === '$ref' && typeof v === 'string' && (v === '#' || v.startsWith('#/$defs/')) ? rename(v) : rewrite(v, rename);
  }
  return out;
}

function refersToRoot(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(refersToRoot);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => (key === '$ref' && v === '#') || refersToRoot(v));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
