import { z } from 'zod';
import { defineRoute, isTextBody, type RouteContext } from './route.definition';

// The typing half of these tests is checked by `tsc -p tsconfig.check.json`: the expected
// type errors below turn into build errors if the inferred types became loose (e.g. `any`).
describe('defineRoute', () => {
  it('infers params, query and body types from the schemas for the handler', async () => {
    const route = defineRoute({
      method: 'POST',
      path: '/phones/{mac}/jobs',
      operationId: 'queueJob',
      summary: 'Queue a job',
      tag: 'jobs',
      role: 'operator',
      params: z.object({ mac: z.string() }),
      query: z.object({ dryRun: z.stringbool().default(false) }),
      body: z.object({ action: z.enum(['restart', 'read-all-items']), priority: z.number().int().default(0) }),
      responses: { 202: { description: 'Queued' } },
      handler: ({ params, query, body }) => {
        const mac: string = params.mac;
        const dryRun: boolean = query.dryRun;
        const priority: number = body.priority;
        // @ts-expect-error: not in the params schema
        void params.name;
        // @ts-expect-error: the body's action is the enum, not any string
        const wrong: 'reboot' = body.action;
        void wrong;
        return { status: 202, body: { mac, dryRun, priority, action: body.action } };
      },
    });
    const ctx = {
      params: { mac: 'M' },
      query: { dryRun: true },
      body: { action: 'restart', priority: 2 },
    } as RouteContext<typeof route.params, typeof route.query, typeof route.body>;
    expect(await route.handler(ctx)).toEqual({ status: 202, body: { mac: 'M', dryRun: true, priority: 2, action: 'restart' } });
  });

  it('hands a text body over as a Buffer', async () => {
    const route = defineRoute({
      method: 'POST',
      path: '/import',
      operationId: 'import',
      summary: 'Import',
      tag: 'import',
      role: 'operator',
      body: { kind: 'text', contentType: 'text/csv' },
      responses: {},
      handler: ({ body }) => ({ status: 200, body: { bytes: body.byteLength } }),
    });
    const ctx = { body: Buffer.from('abc') } as RouteContext<undefined, undefined, typeof route.body>;
    expect(await route.handler(ctx)).toEqual({ status: 200, body: { bytes: 3 } });
  });

  it('tells text body specs from zod schemas', () => {
    expect(isTextBody({ kind: 'text', contentType: 'text/csv' })).toBe(true);
    expect(isTextBody(z.object({ kind: z.literal('text') }))).toBe(false);
  });
});
