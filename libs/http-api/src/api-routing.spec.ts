import { Controller } from '@nestjs/common';
import { createLogger } from '@workpoint/logging';
import { ApiRoute, RouteCtx } from './api-route.decorator';
import { apiErrorBodySchema } from './http-error';
import { checkRoutes } from './route-paths';
import { defineRoute, type HttpMethod, type RouteContext } from './route.definition';
import { startTestApi, type TestApi } from './testing/test-api';

function route(method: HttpMethod, path: string, operationId = `${method} ${path}`) {
  return defineRoute({ method, path, operationId, summary: operationId, tag: 't', role: 'public', responses: {} });
}

const phones = route('GET', '/api/v1/phones');
const createPhone = route('POST', '/api/v1/phones');
const phone = route('GET', '/api/v1/phones/{mac}');
const deletePhone = route('DELETE', '/api/v1/phones/{mac}');
const exportCsv = route('GET', '/api/v1/phones/export.csv');
const item = route('GET', '/api/v1/phones/{mac}/items/{name}');
const allItems = route('GET', '/api/v1/phones/{mac}/items/all');
const root = route('GET', '/');
const ROUTES = [phones, createPhone, phone, deletePhone, exportCsv, item, allItems, root];

const echo = ({ params }: RouteContext<unknown, unknown, unknown>, template: string) => ({ template, params });

/** Every route answers with its template and the decoded path parameters it was given. */
@Controller()
class EchoController {
  @ApiRoute(phones) phones(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, phones.path); }
  @ApiRoute(createPhone) createPhone(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, createPhone.path); }
  @ApiRoute(phone) phone(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, phone.path); }
  @ApiRoute(deletePhone) deletePhone(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, deletePhone.path); }
  @ApiRoute(exportCsv) exportCsv(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, exportCsv.path); }
  @ApiRoute(item) item(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, item.path); }
  @ApiRoute(allItems) allItems(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, allItems.path); }
  @ApiRoute(root) root(@RouteCtx() c: RouteContext<unknown, unknown, unknown>) { return echo(c, root.path); }
}

describe('routing of an API app', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi([EchoController], {
      routes: ROUTES,
      authenticate: () => Promise.resolve(undefined),
      logger: createLogger('http-api-test', 'error', () => undefined),
      document: () => ({}),
    });
  });
  afterAll(() => api.close());

  const call = (method: string, path: string) => fetch(api.base + path, { method });
  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    const body = apiErrorBodySchema.parse(await res.json());
    expect(body.error.code).toBe(code);
    return res;
  }

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
  ])('%s %s → %s', async (method, path, template, params) => {
    const res = await call(method, path);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ template, params });
  });

  it.each([['/api/v1/phone'], ['/api/v1/phones/'], ['/api/v1/phones/A/items'], ['/api/v1/phones/A/items/b/c'], ['/API/v1/phones'], ['/api/v1/phones//items/all'], ['//api/v1/phones']])(
    'answers %s with 404',
    async (path) => {
      await expectError(await call('GET', path), 404, 'not-found');
    },
  );

  it('answers a method the path has no route for with 405 and the allowed methods of every route the path matches', async () => {
    expect((await expectError(await call('PUT', '/api/v1/phones'), 405, 'method-not-allowed')).headers.get('allow')).toBe('GET, POST');
    expect((await expectError(await call('PATCH', '/api/v1/phones/export.csv'), 405, 'method-not-allowed')).headers.get('allow')).toBe('GET, DELETE');
    // Fastify's automatic HEAD routes are off: HEAD is a method like any other.
    const head = await call('HEAD', '/api/v1/phones/x');
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET, DELETE');
  });

  it('answers malformed percent-encoding with 400 invalid-request and a request id', async () => {
    const res = await expectError(await call('GET', '/api/v1/phones/%E0%A4%A'), 400, 'invalid-request');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('checkRoutes', () => {
  it.each([
    [[route('GET', '/a/{x}'), route('GET', '/a/{y}', 'other')], /clashes/],
    [[route('GET', '/a', 'same'), route('POST', '/b', 'same')], /Duplicate operationId same/],
    [[route('GET', 'a')], /must start with/],
    [[route('GET', '/a//b')], /Bad route path segment/],
    [[route('GET', '/a/{x}/{x}')], /repeats the parameter/],
    [[route('GET', '/a/x{y}')], /Bad route path segment/],
    [[route('GET', '/a/x:y')], /Bad route path segment/],
  ])('refuses an inconsistent table (%#)', (routes, message) => {
    expect(() => checkRoutes(routes)).toThrow(message);
  });
});
