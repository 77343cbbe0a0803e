import { defineRoute, type AnyRoute } from './route.definition';

export const OPENAPI_DOCUMENT_PATH = '/api/v1/openapi.json';

/** The route every API server adds: its own OpenAPI document, readable without a key. */
export function openApiDocumentRoute(document: () => object): AnyRoute {
  return defineRoute({
    method: 'GET',
    path: OPENAPI_DOCUMENT_PATH,
    operationId: 'getOpenApiDocument',
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'meta',
    role: 'public',
    responses: { 200: { description: 'This document', contentType: 'application/json' } },
    handler: () => ({ status: 200, body: document() }),
  });
}
