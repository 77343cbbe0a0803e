import { defineRoute } from './route.definition';

export const OPENAPI_DOCUMENT_PATH = '/api/v1/openapi.json';

/** The route every API serves: its own OpenAPI document, readable without a key. */
export const OPENAPI_DOCUMENT_ROUTE = defineRoute({
  method: 'GET',
  path: OPENAPI_DOCUMENT_PATH,
  operationId: 'getOpenApiDocument',
  summary: 'The OpenAPI 3.1 document of this API',
  tag: 'meta',
  role: 'public',
  responses: { 200: { description: 'This document', contentType: 'application/json' } },
});
