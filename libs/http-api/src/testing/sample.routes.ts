import { z } from 'zod';
import { Controller, type StreamableFile } from '@nestjs/common';
import { streamOf } from '../api-http.module';
import { ApiRoute, RouteCtx } from '../api-route.decorator';
import { HttpError } from '../http-error';
import { defineRoute, type AnyRoute, type ContextOf } from '../route.definition';

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
});

export const exportPhones = defineRoute({
  method: 'GET',
  path: '/api/v1/phones/export.csv',
  operationId: 'exportPhones',
  summary: 'Export all phones as CSV',
  tag: 'phones',
  role: 'read-only',
  responses: { 200: { description: 'One line per phone', contentType: 'text/csv' } },
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
});

export const health = defineRoute({
  method: 'GET',
  path: '/api/v1/health',
  operationId: 'getHealth',
  summary: 'Liveness',
  tag: 'meta',
  role: 'public',
  responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
});

export const sampleRoutes: AnyRoute[] = [listPhones, exportPhones, getPhone, deletePhone, createPhones, importPhones, health];

/** Serves the sample routes the way a real API's controller does. */
@Controller()
export class SamplePhonesController {
  @ApiRoute(listPhones)
  list(@RouteCtx() { query }: ContextOf<typeof listPhones>) {
    // Echoes the parsed query, so specs can see what validation made of it.
    return { items: [], limit: query.limit, active: query.active ?? null };
  }

  @ApiRoute(exportPhones)
  export(): StreamableFile {
    return streamOf(
      (async function* () {
        yield 'mac,site\n';
        for (let i = 0; i < 3; i += 1) yield `00:01:E3:25:EA:1${i},munich\n`;
      })(),
      'text/csv; charset=utf-8',
    );
  }

  @ApiRoute(getPhone)
  get(@RouteCtx() { params }: ContextOf<typeof getPhone>) {
    if (params.mac !== KNOWN_MAC) throw new HttpError(404, 'phone-not-found', `No phone ${params.mac}`, { mac: params.mac });
    return { mac: params.mac, site: 'munich', items: [] };
  }

  @ApiRoute(deletePhone)
  remove(): void {
    return undefined;
  }

  @ApiRoute(createPhones)
  create(@RouteCtx() { body, principal }: ContextOf<typeof createPhones>) {
    return { ...body, createdBy: principal?.name };
  }

  @ApiRoute(importPhones)
  import(@RouteCtx() { body }: ContextOf<typeof importPhones>) {
    return { bytes: body.length, validUtf8: Buffer.from(body.toString('utf8'), 'utf8').equals(body) };
  }

  @ApiRoute(health)
  health() {
    return { status: 'ok' };
  }
}
