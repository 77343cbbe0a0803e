import { z } from 'zod';
import { defineRoute, isTextBody, type ContextOf } from './route.definition';

// The typing half of these tests is checked by `tsc -p tsconfig.check.json`: the expected
// type errors below turn into build errors if the inferred types became loose (e.g. `any`).
describe('defineRoute', () => {
  it('infers the params, query and body types a controller method gets (ContextOf)', () => {
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
    });
    const handler = ({ params, query, body }: ContextOf<typeof route>) => {
      const mac: string = params.mac;
      const dryRun: boolean = query.dryRun;
      const priority: number = body.priority;
      // @ts-expect-error: not in the params schema
      void params.name;
      // @ts-expect-error: the body's action is the enum, not any string
      const wrong: 'reboot' = body.action;
      void wrong;
      return { mac, dryRun, priority, action: body.action };
    };
    const ctx = { params: { mac: 'M' }, query: { dryRun: true }, body: { action: 'restart', priority: 2 } } as ContextOf<typeof route>;
    expect(handler(ctx)).toEqual({ mac: 'M', dryRun: true, priority: 2, action: 'restart' });
    expect(route.operationId).toBe('queueJob'); // identity at runtime
  });

  it('hands a text body over as a Buffer', () => {
    const route = defineRoute({
      method: 'POST',
      path: '/import',
      operationId: 'import',
      summary: 'Import',
      tag: 'import',
      role: 'operator',
      body: { kind: 'text', contentType: 'text/csv' },
      responses: {},
    });
    const handler = ({ body }: ContextOf<typeof route>) => ({ bytes: body.byteLength });
    expect(handler({ body: Buffer.from('abc') } as ContextOf<typeof route>)).toEqual({ bytes: 3 });
    expect(route.body).toEqual({ kind: 'text', contentType: 'text/csv' });
  });

  it('tells text body specs from zod schemas', () => {
    expect(isTextBody({ kind: 'text', contentType: 'text/csv' })).toBe(true);
    expect(isTextBody(z.object({ kind: z.literal('text') }))).toBe(false);
  });
});
