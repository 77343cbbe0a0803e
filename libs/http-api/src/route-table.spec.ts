import { defineRoute, type HttpMethod } from './route.definition';
import { RouteTable } from './route-table';

function route(method: HttpMethod, path: string, operationId = `${method} ${path}`) {
  return defineRoute({ method, path, operationId, summary: operationId, tag: 't', role: 'public', responses: {}, handler: () => ({ status: 204 }) });
}

describe('RouteTable', () => {
  const table = new RouteTable([
    route('GET', '/api/v1/phones'),
    route('POST', '/api/v1/phones'),
    route('GET', '/api/v1/phones/{mac}'),
    route('DELETE', '/api/v1/phones/{mac}'),
    route('GET', '/api/v1/phones/export.csv'),
    route('GET', '/api/v1/phones/{mac}/items/{name}'),
    route('GET', '/api/v1/phones/{mac}/items/all'),
    route('GET', '/'),
  ]);

  it.each([
    ['GET', '/api/v1/phones', '/api/v1/phones', {}],
    ['POST', '/api/v1/phones', '/api/v1/phones', {}],
    ['GET', '/api/v1/phones/export.csv', '/api/v1/phones/export.csv', {}],
    ['GET', '/api/v1/phones/export.json', '/api/v1/phones/{mac}', { mac: 'export.json' }],
    ['GET', '/api/v1/phones/00%3A01%3AE3%3A25%3AEA%3A13', '/api/v1/phones/{mac}', { mac: '00:01:E3:25:EA:13' }],
    // No DELETE on the literal: the parameter route takes it instead of a 405.
    ['DELETE', '/api/v1/phones/export.csv', '/api/v1/phones/{mac}', { mac: 'export.csv' }],
    ['GET', '/api/v1/phones/A/items/all', '/api/v1/phones/{mac}/items/all', { mac: 'A' }],
    ['GET', '/api/v1/phones/A/items/sip%2Fpwd', '/api/v1/phones/{mac}/items/{name}', { mac: 'A', name: 'sip/pwd' }],
    ['GET', '/', '/', {}],
  ])('%s %s → %s', (method, path, template, params) => {
    const match = table.match(method, path);
    expect(match).toMatchObject({ kind: 'found', route: { path: template }, params });
  });

  it.each([
    ['/api/v1/phone'],
    ['/api/v1/phones/'],
    ['/api/v1/phones/A/items'],
    ['/api/v1/phones/A/items/b/c'],
    ['/API/v1/phones'],
    ['//api/v1/phones'],
  ])('does not find %s', (path) => {
    expect(table.match('GET', path)).toEqual({ kind: 'not-found' });
  });

  it('lists the allowed methods of every route the path matches when the method has none', () => {
    expect(table.match('PUT', '/api/v1/phones')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'POST'] });
    expect(table.match('PATCH', '/api/v1/phones/export.csv')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'DELETE'] });
    expect(table.match('HEAD', '/api/v1/phones/x')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'DELETE'] });
  });

  it('reports malformed percent-encoding instead of throwing', () => {
    expect(table.match('GET', '/api/v1/phones/%E0%A4%A')).toMatchObject({ kind: 'malformed-path' });
  });

  it.each([
    [[route('GET', '/a/{x}'), route('GET', '/a/{y}', 'other')], /clashes/],
    [[route('GET', '/a', 'same'), route('POST', '/b', 'same')], /Duplicate operationId same/],
    [[route('GET', 'a')], /must start with/],
    [[route('GET', '/a//b')], /Bad route path segment/],
    [[route('GET', '/a/{x}/{x}')], /repeats the parameter/],
    [[route('GET', '/a/x{y}')], /Bad route path segment/],
  ])('refuses an inconsistent table (%#)', (routes, message) => {
    expect(() => new RouteTable(routes)).toThrow(message);
  });
});
