import { HTTP_METHODS, type AnyRoute, type HttpMethod } from './route.definition';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

interface TrieNode {
  literals: Map<string, TrieNode>;
  param?: TrieNode;
  routes: Map<HttpMethod, CompiledRoute>;
}

interface CompiledRoute {
  route: AnyRoute;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'found'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: HttpMethod[] }
  | { kind: 'not-found' }
  | { kind: 'malformed-path'; message: string };

const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Splits `/api/v1/phones/{mac}` into segments; throws on templates the matcher cannot serve. */
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
    if (raw === '' || raw.includes('{') || raw.includes('}')) throw new Error(`Bad route path segment '${raw}' in ${path}`);
    return { kind: 'literal', value: raw };
  });
}

export function pathParamNames(path: string): string[] {
  return parsePathTemplate(path).flatMap((s) => (s.kind === 'param' ? [s.name] : []));
}

function splitPath(pathname: string): string[] {
  return pathname === '/' ? [] : pathname.slice(1).split('/');
}

function newNode(): TrieNode {
  return { literals: new Map(), routes: new Map() };
}

/**
 * Matches request paths to routes. A literal segment beats a parameter segment at the same
 * position (`/phones/export.csv` before `/phones/{mac}`), falling back to the parameter when
 * the literal branch has no route for the method.
 */
export class RouteTable {
  private readonly root = newNode();

  constructor(routes: readonly AnyRoute[]) {
    const operationIds = new Set<string>();
    for (const route of routes) {
      if (operationIds.has(route.operationId)) throw new Error(`Duplicate operationId ${route.operationId}`);
      operationIds.add(route.operationId);
      this.add(route);
    }
  }

  match(method: string, pathname: string): RouteMatch {
    const terminals: TrieNode[] = [];
    collect(this.root, splitPath(pathname), 0, terminals);
    const compiled = terminals.map((node) => node.routes.get(method as HttpMethod)).find((r) => r !== undefined);
    if (compiled) {
      try {
        return { kind: 'found', route: compiled.route, params: extractParams(compiled.segments, splitPath(pathname)) };
      } catch {
        return { kind: 'malformed-path', message: 'The path contains malformed percent-encoding' };
      }
    }
    const allowed = new Set(terminals.flatMap((node) => [...node.routes.keys()]));
    if (allowed.size === 0) return { kind: 'not-found' };
    return { kind: 'method-not-allowed', allow: HTTP_METHODS.filter((m) => allowed.has(m)) };
  }

  private add(route: AnyRoute): void {
    const segments = parsePathTemplate(route.path);
    if (route.params) {
      const inPath = segments.flatMap((s) => (s.kind === 'param' ? [s.name] : [])).sort();
      const inSchema = Object.keys(route.params.shape).sort();
      if (inPath.join() !== inSchema.join()) {
        throw new Error(`Route ${route.method} ${route.path}: params schema has [${inSchema.join()}], path has [${inPath.join()}]`);
      }
    }
    let node = this.root;
    for (const segment of segments) {
      if (segment.kind === 'param') {
        node.param ??= newNode();
        node = node.param;
      } else {
        let next = node.literals.get(segment.value);
        if (!next) {
          next = newNode();
          node.literals.set(segment.value, next);
        }
        node = next;
      }
    }
    const existing = node.routes.get(route.method);
    if (existing) throw new Error(`Route ${route.method} ${route.path} clashes with ${existing.route.path}`);
    node.routes.set(route.method, { route, segments });
  }
}

/** Every node the path reaches, most specific first (literal before parameter, left to right). */
function collect(node: TrieNode, parts: string[], index: number, out: TrieNode[]): void {
  if (index === parts.length) {
    if (node.routes.size > 0) out.push(node);
    return;
  }
  const part = parts[index]!;
  const literal = node.literals.get(part);
  if (literal) collect(literal, parts, index + 1, out);
  if (node.param && part !== '') collect(node.param, parts, index + 1, out);
}

function extractParams(segments: Segment[], parts: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  segments.forEach((segment, i) => {
    if (segment.kind === 'param') params[segment.name] = decodeURIComponent(parts[i]!);
  });
  return params;
}
