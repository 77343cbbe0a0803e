import { z } from 'zod';
import { HttpError } from '../http-error';
import { defineRoute, type AnyRoute } from '../route.definition';

/** A small phone API in the shape the operator API will have; shared by the specs. */

export const KNOWN_MAC = '00:01:E3:25:EA:13';
const mac = z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, 'Expected an upper-case MAC like 00:01:E3:25:EA:13');

const itemSchema = z
  .object({
    name: z.string().min(1),
    value: z.string().nullable().default(null),
    index: z.number().int().min(1).optional(),
  })
  .meta({ id: 'Item' });

const phoneSchema = z
  .object({ mac, site: z.string(), items: z.array(itemSchema), lastContact: z.date().optional() })
  .meta({ id: 'Phone' });

export const listPhones = defineRoute({
  method: 'GET',
  path: '/api/v1/phones',
  operationId: 'listPhones',
  summary: 'List phones',
  tag: 'phones',
  role: 'read-only',
  query: z.object({
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size'),
    active: z.stringbool().optional(),
    site: z.string().optional(),
  }),
  responses: { 200: { description: 'A page of phones', schema: z.object({ items: z.array(phoneSchema), limit: z.number() }) } },
  // Echoes the parsed query, so specs can see what validation made of it.
  handler: ({ query }) => ({ status: 200, body: { items: [], limit: query.limit, active: query.active ?? null } }),
});

export const exportPhones = defineRoute({
  method: 'GET',
  path: '/api/v1/phones/export.csv',
  operationId: 'exportPhones',
  summary: 'Export all phones as CSV',
  tag: 'phones',
  role: 'read-only',
  responses: { 200: { description: 'One line per phone', contentType: 'text/csv' } },
  handler: () => ({
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    stream: (async function* () {
      yield 'mac,site\n';
      for (let i = 0; i < 3; i += 1) yield `00:01:E3:25:EA:1${i},munich\n`;
    })(),
  }),
});

export const getPhone = defineRoute({
  method: 'GET',
  path: '/api/v1/phones/{mac}',
  operationId: 'getPhone',
  summary: 'One phone',
  tag: 'phones',
  role: 'read-only',
  params: z.object({ mac }),
  responses: {
    200: { description: 'The phone', schema: phoneSchema },
    404: { description: 'No such phone' },
  },
  handler: ({ params }) => {
    if (params.mac !== KNOWN_MAC) throw new HttpError(404, 'phone-not-found', `No phone ${params.mac}`, { mac: params.mac });
    return { status: 200, body: { mac: params.mac, site: 'munich', items: [] } };
  },
});

export const deletePhone = defineRoute({
  method: 'DELETE',
  path: '/api/v1/phones/{mac}',
  operationId: 'deletePhone',
  summary: 'Forget a phone',
  tag: 'phones',
  role: 'admin',
  params: z.object({ mac }),
  responses: { 204: { description: 'Forgotten' } },
  handler: () => ({ status: 204 }),
});

export const createPhones = defineRoute({
  method: 'POST',
  path: '/api/v1/phones',
  operationId: 'createPhones',
  summary: 'Register a phone with initial items',
  tag: 'phones',
  role: 'operator',
  body: z.object({ mac, site: z.string().min(1), items: z.array(itemSchema).min(1) }),
  responses: { 201: { description: 'Registered', schema: phoneSchema } },
  handler: ({ body, principal }) => ({ status: 201, body: { ...body, createdBy: principal?.name } }),
});

export const importPhones = defineRoute({
  method: 'POST',
  path: '/api/v1/phones/import',
  operationId: 'importPhones',
  summary: 'Import phones from CSV',
  description: 'UTF-8 CSV with a header line `mac,site`.',
  tag: 'phones',
  role: 'operator',
  body: { kind: 'text', contentType: 'text/csv', maxBytes: 256 * 1024 },
  responses: { 200: { description: 'Import summary', schema: z.object({ bytes: z.number(), validUtf8: z.boolean() }) } },
  handler: ({ body }) => ({
    status: 200,
    body: { bytes: body.length, validUtf8: Buffer.from(body.toString('utf8'), 'utf8').equals(body) },
  }),
});

export const health = defineRoute({
  method: 'GET',
  path: '/api/v1/health',
  operationId: 'getHealth',
  summary: 'Liveness',
  tag: 'meta',
  role: 'public',
  responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
  handler: () => ({ status: 200, body: { status: 'ok' } }),
});

export const sampleRoutes: AnyRoute[] = [listPhones, exportPhones, getPhone, deletePhone, createPhones, importPhones, health];
