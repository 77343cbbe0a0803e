import { defineRoute } from '@workpoint/http-api';
import { checkControllersServe } from './operator-api';
import { OPERATOR_API_ROUTE_LIST } from './operator-api.routes';

describe('the operator API controllers', () => {
  it('serve exactly the documented routes', () => {
    expect(() => checkControllersServe(OPERATOR_API_ROUTE_LIST)).not.toThrow();
  });

  it('refuse to start when a documented route has no controller method, or a method no documented route', () => {
    const undocumented = defineRoute({ method: 'GET', path: '/api/v1/nowhere', operationId: 'nowhere', summary: 'x', tag: 't', role: 'admin', responses: {} });
    expect(() => checkControllersServe([...OPERATOR_API_ROUTE_LIST, undocumented])).toThrow(/without a controller method: \[nowhere\]/);
    expect(() => checkControllersServe(OPERATOR_API_ROUTE_LIST.filter((r) => r.operationId !== 'listAudit'))).toThrow(/served but not documented: \[listAudit\]/);
  });
});
