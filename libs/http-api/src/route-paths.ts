import { HTTP_METHODS, type AnyRoute, type HttpMethod } from './route.definition';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Splits `/api/v1/phones/{mac}` into segments; throws on templates the router cannot serve. */
export function parsePathTemplate(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`Route path must start with '/': ${path}`);
  const seen = new Set<string>();
  return splitPath(path).map((raw) => {
    const param = PARAM_SEGMENT.exec(raw);
    if (param) {
      const name = param[1]!;
      if (seen.has(name)) throw new Error(`Route path repeats the parameter {${name}}: ${path}`);
      seen.add(name);
      return { kind: 'param', name };
    }
    // ':' and '*' mean something to Fastify's router; the API's literal segments never need them.
    if (raw === '' || /[{}:*]/.test(raw)) throw new Error(`Bad route path segment '${raw}' in ${path}`);
    return { kind: 'literal', value: raw };
  });
}

export function pathParamNames(path: string): string[] {
  return parsePathTemplate(path).flatMap((s) => (s.kind === 'param' ? [s.name] : []));
}

/** The OpenAPI template `/api/v1/phones/{mac}` as Fastify's router writes it: `/api/v1/phones/:mac`. */
export function fastifyPath(path: string): string {
  const segments = parsePathTemplate(path);
  return `/${segments.map((s) => (s.kind === 'param' ? `:${s.name}` : s.value)).join('/')}`;
}

function splitPath(pathname: string): string[] {
  return pathname === '/' ? [] : pathname.slice(1).split('/');
}

/**
 * The checks a route table must pass before it is served or documented: unique operationIds,
 * one route per method and path shape, and a params schema that names exactly the path's
 * parameters.
 */
export function checkRoutes(routes: readonly AnyRoute[]): void {
  const operationIds = new Set<string>();
  const shapes = new Map<string, string>();
  for (const route of routes) {
    if (operationIds.has(route.operationId)) throw new Error(`Duplicate operationId ${route.operationId}`);
    operationIds.add(route.operationId);
    const segments = parsePathTemplate(route.path);
    if (route.params) {
      const inPath = segments.flatMap((s) => (s.kind === 'param' ? [s.name] : [])).sort();
      const inSchema = Object.keys(route.params.shape).sort();
      if (inPath.join() !== inSchema.join()) {
        throw new Error(`Route ${route.method} ${route.path}: params schema has [${inSchema.join()}], path has [${inPath.join()}]`);
      }
    }
    const shape = `${route.method} /${segments.map((s) => (s.kind === 'param' ? '{}' : s.value)).join('/')}`;
    const existing = shapes.get(shape);
    if (existing) throw new Error(`Route ${route.method} ${route.path} clashes with ${existing}`);
    shapes.set(shape, route.path);
  }
}

/**
 * Which methods a path has routes for: what a 405's `Allow` lists when the router found no
 * route for the request's method. A literal segment matches itself, a parameter any non-empty
 * segment, as in the router.
 */
export class PathMethods {
  private readonly templates: { segments: Segment[]; method: HttpMethod }[];

  constructor(routes: readonly AnyRoute[]) {
    this.templates = routes.map((r) => ({ segments: parsePathTemplate(r.path), method: r.method }));
  }

  allowed(pathname: string): HttpMethod[] {
    const parts = splitPath(pathname);
    const methods = new Set(
      this.templates
        .filter(({ segments }) => segments.length === parts.length && segments.every((s, i) => (s.kind === 'param' ? parts[i] !== '' : s.value === parts[i])))
        .map((t) => t.method),
    );
    return HTTP_METHODS.filter((m) => methods.has(m));
  }
}
