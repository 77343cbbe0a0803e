import { type AnyRoute, defineRoute } from '@workpoint/http-api';
import { z } from 'zod';
import {
  ApiKeyCreated,
  ApiKeyInput,
  ApiKeyView,
  AssignmentInput,
  AssignmentView,
  AuditPage,
  AuditQuery,
  BulkAssign,
  DriftSummary,
  HistoryPage,
  ImportQuery,
  ImportResult,
  JobAccepted,
  JobInput,
  JobView,
  MacPathParams,
  NamePathParams,
  PageQuery,
  PhoneDetail,
  PhoneList,
  PhoneListQuery,
  PreviewInput,
  PreviewView,
  ProfileInput,
  ProfileSaved,
  ProfileUpdate,
  ProfileView,
  SiteInput,
  SiteView,
  TagList,
} from './api-schemas';
import { COMMAND_TOPICS, type CommandTopic } from './command.service';

const IMPORT_MAX_BYTES = 16 * 1024 * 1024;
const Removed = z.object({ affectedPhones: z.number().int() });
const Resynced = z.object({ mac: z.string(), writes: z.number().int(), drift: z.number().int(), faults: z.number().int(), pending: z.boolean() });
const BulkAssigned = z.object({ changed: z.number().int(), unchanged: z.number().int(), affectedPhones: z.number().int() });
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
const AffectedSite = z.object({ site: SiteView, affectedPhones: z.number().int() });
const CommandAccepted = z.object({ accepted: z.literal(true), topic: z.string() });

const common = { 404: { description: 'No such phone, profile or site' } };

/**
 * Every operator endpoint as data: path, role, schemas, responses. Each is served by one
 * controller method (`@ApiRoute(OPERATOR_ROUTES.x)`) and documented from the same object
 * (`OPERATOR_API_ROUTE_LIST`), so routing, validation, roles and the OpenAPI document cannot drift.
 */
export const OPERATOR_ROUTES = {
  // ── phones ──────────────────────────────────────────────────────────────
  listPhones: defineRoute({
    method: 'GET', path: '/api/v1/phones', operationId: 'listPhones', tag: 'phones', role: 'read-only',
    summary: 'List phones, filtered, a page at a time (cursor)',
    query: PhoneListQuery,
    responses: { 200: { description: 'A page of phones', schema: PhoneList } },
  }),
  exportPhones: defineRoute({
    method: 'GET', path: '/api/v1/phones/export.csv', operationId: 'exportPhones', tag: 'phones', role: 'read-only',
    summary: 'The filtered phone list as CSV (all pages)',
    query: PhoneListQuery,
    responses: { 200: { description: 'CSV, one phone per line', contentType: 'text/csv' } },
  }),
  getPhone: defineRoute({
    method: 'GET', path: '/api/v1/phones/{mac}', operationId: 'getPhone', tag: 'phones', role: 'read-only',
    summary: 'One phone: reported items, effective configuration with sources, pending writes, drift, faults',
    params: MacPathParams,
    responses: { 200: { description: 'The phone', schema: PhoneDetail }, ...common },
  }),
  getPhoneHistory: defineRoute({
    method: 'GET', path: '/api/v1/phones/{mac}/history', operationId: 'getPhoneHistory', tag: 'phones', role: 'read-only',
    summary: 'Reports, writes and adoptions of one phone, newest first',
    params: MacPathParams, query: PageQuery,
    responses: { 200: { description: 'A page of history', schema: HistoryPage }, ...common },
  }),
  listPhoneJobs: defineRoute({
    method: 'GET', path: '/api/v1/phones/{mac}/jobs', operationId: 'listPhoneJobs', tag: 'jobs', role: 'read-only',
    summary: 'The phone\'s configuration jobs (latest 100), secrets masked',
    params: MacPathParams,
    responses: { 200: { description: 'Jobs', schema: z.object({ jobs: z.array(JobView) }) } },
  }),
  requestPhoneJob: defineRoute({
    method: 'POST', path: '/api/v1/phones/{mac}/jobs', operationId: 'requestPhoneJob', tag: 'jobs', role: 'operator',
    summary: 'Read items now, write items now, restart, or factory-reset a phone (queued; the phone is asked to call back)',
    params: MacPathParams, body: JobInput,
    responses: { 202: { description: 'Queued', schema: JobAccepted }, ...common },
  }),
  clearPhoneFaults: defineRoute({
    method: 'DELETE', path: '/api/v1/phones/{mac}/faults', operationId: 'clearPhoneFaults', tag: 'phones', role: 'operator',
    summary: 'Forget the items the phone refused, so they are offered again',
    params: MacPathParams,
    responses: { 200: { description: 'Re-planned', schema: Resynced }, ...common },
  }),
  getFleetDrift: defineRoute({
    method: 'GET', path: '/api/v1/drift', operationId: 'getFleetDrift', tag: 'phones', role: 'read-only',
    summary: 'Fleet-wide drift and faults: how many phones, which items',
    responses: { 200: { description: 'Summary', schema: DriftSummary } },
  }),
  listTags: defineRoute({
    method: 'GET', path: '/api/v1/tags', operationId: 'listTags', tag: 'assignments', role: 'read-only',
    summary: 'Tags in use, with their phone counts',
    responses: { 200: { description: 'Tags', schema: TagList } },
  }),
  // ── assignments ─────────────────────────────────────────────────────────
  getAssignment: defineRoute({
    method: 'GET', path: '/api/v1/assignments/{mac}', operationId: 'getAssignment', tag: 'assignments', role: 'read-only',
    summary: 'What decides a phone\'s configuration: number, model, site, tags, user, profiles, overrides',
    params: MacPathParams,
    responses: { 200: { description: 'The assignment', schema: AssignmentView }, ...common },
  }),
  putAssignment: defineRoute({
    method: 'PUT', path: '/api/v1/assignments/{mac}', operationId: 'putAssignment', tag: 'assignments', role: 'operator',
    summary: 'Set a phone\'s assignment (fields left out stay as they are); the phone is asked to call back when its configuration changes',
    params: MacPathParams, body: AssignmentInput,
    responses: { 200: { description: 'The assignment', schema: AssignmentView }, 409: { description: 'Changed meanwhile (version)' }, 422: { description: 'Unknown profile, or overrides the item checks refuse (as in a profile)' } },
  }),
  assignProfileToPhones: defineRoute({
    method: 'POST', path: '/api/v1/profiles/{name}/phones', operationId: 'assignProfileToPhones', tag: 'assignments', role: 'operator',
    summary: 'Assign a phone-layer profile to many phones',
    params: NamePathParams, body: BulkAssign,
    responses: { 200: { description: 'Done', schema: BulkAssigned }, 422: { description: 'Unknown profile' } },
  }),
  unassignProfileFromPhones: defineRoute({
    method: 'POST', path: '/api/v1/profiles/{name}/phones/remove', operationId: 'unassignProfileFromPhones', tag: 'assignments', role: 'operator',
    summary: 'Take a phone-layer profile off many phones',
    params: NamePathParams, body: BulkAssign,
    responses: { 200: { description: 'Done', schema: BulkAssigned }, 422: { description: 'Unknown profile' } },
  }),
  importPhones: defineRoute({
    method: 'POST', path: '/api/v1/imports', operationId: 'importPhones', tag: 'assignments', role: 'operator',
    summary: 'Import phones and assignments from CSV (mac,e164,model,site,tags,user,profile); all or nothing',
    description: 'With `Accept: application/x-ndjson` the answer streams progress lines, then the result line; otherwise one JSON result (422 when the file has errors).',
    query: ImportQuery, body: { kind: 'text', contentType: 'text/csv', maxBytes: IMPORT_MAX_BYTES },
    responses: { 200: { description: 'The result (or NDJSON progress + result)', schema: ImportResult }, 422: { description: 'The file has errors; nothing was applied', schema: ImportResult } },
  }),
  // ── profiles ────────────────────────────────────────────────────────────
  listProfiles: defineRoute({
    method: 'GET', path: '/api/v1/profiles', operationId: 'listProfiles', tag: 'profiles', role: 'read-only',
    summary: 'All profiles, in layering order (secret values never shown)',
    responses: { 200: { description: 'Profiles', schema: z.object({ profiles: z.array(ProfileView) }) } },
  }),
  createProfile: defineRoute({
    method: 'POST', path: '/api/v1/profiles', operationId: 'createProfile', tag: 'profiles', role: 'operator',
    summary: 'Create a profile; phones it applies to are asked to call back',
    body: ProfileInput,
    responses: { 201: { description: 'Created', schema: ProfileSaved }, 409: { description: 'Name taken' }, 422: { description: 'Invalid profile (items, templates, layering)' } },
  }),
  previewProfile: defineRoute({
    method: 'POST', path: '/api/v1/profiles/preview', operationId: 'previewProfile', tag: 'profiles', role: 'read-only',
    summary: 'The effective configuration a phone would get with this profile saved, and what would be written',
    body: PreviewInput,
    responses: { 200: { description: 'Preview', schema: PreviewView }, ...common },
  }),
  getProfile: defineRoute({
    method: 'GET', path: '/api/v1/profiles/{name}', operationId: 'getProfile', tag: 'profiles', role: 'read-only',
    summary: 'One profile',
    params: NamePathParams,
    responses: { 200: { description: 'The profile', schema: ProfileView }, ...common },
  }),
  updateProfile: defineRoute({
    method: 'PUT', path: '/api/v1/profiles/{name}', operationId: 'updateProfile', tag: 'profiles', role: 'operator',
    summary: 'Replace a profile (send the version you read; secret items sent without a value keep theirs)',
    params: NamePathParams, body: ProfileUpdate,
    responses: { 200: { description: 'Saved', schema: ProfileSaved }, ...common, 409: { description: 'Changed meanwhile (version)' }, 422: { description: 'Invalid profile' } },
  }),
  deleteProfile: defineRoute({
    method: 'DELETE', path: '/api/v1/profiles/{name}', operationId: 'deleteProfile', tag: 'profiles', role: 'operator',
    summary: 'Delete a profile no other profile extends and no phone has assigned',
    params: NamePathParams, query: VersionQuery,
    responses: { 200: { description: 'Deleted', schema: Removed }, ...common, 409: { description: 'In use, or changed meanwhile' } },
  }),
  // ── sites ───────────────────────────────────────────────────────────────
  listSites: defineRoute({
    method: 'GET', path: '/api/v1/sites', operationId: 'listSites', tag: 'sites', role: 'read-only',
    summary: 'Sites and their template fields',
    responses: { 200: { description: 'Sites', schema: z.object({ sites: z.array(SiteView) }) } },
  }),
  putSite: defineRoute({
    method: 'PUT', path: '/api/v1/sites/{name}', operationId: 'putSite', tag: 'sites', role: 'operator',
    summary: 'Create or replace a site\'s fields ({{site.<field>}} in templates)',
    params: NamePathParams, body: SiteInput,
    responses: { 200: { description: 'Saved', schema: AffectedSite }, 409: { description: 'Changed meanwhile (version)' } },
  }),
  deleteSite: defineRoute({
    method: 'DELETE', path: '/api/v1/sites/{name}', operationId: 'deleteSite', tag: 'sites', role: 'operator',
    summary: 'Delete a site',
    params: NamePathParams,
    responses: { 200: { description: 'Deleted', schema: Removed }, ...common },
  }),
  // ── access ──────────────────────────────────────────────────────────────
  listApiKeys: defineRoute({
    method: 'GET', path: '/api/v1/api-keys', operationId: 'listApiKeys', tag: 'access', role: 'admin',
    summary: 'API keys (never their secrets)',
    responses: { 200: { description: 'Keys', schema: z.object({ keys: z.array(ApiKeyView) }) } },
  }),
  createApiKey: defineRoute({
    method: 'POST', path: '/api/v1/api-keys', operationId: 'createApiKey', tag: 'access', role: 'admin',
    summary: 'Create an API key with a role; the key is shown once',
    body: ApiKeyInput,
    responses: { 201: { description: 'Created', schema: ApiKeyCreated } },
  }),
  revokeApiKey: defineRoute({
    method: 'DELETE', path: '/api/v1/api-keys/{id}', operationId: 'revokeApiKey', tag: 'access', role: 'admin',
    summary: 'Revoke an API key',
    params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }),
    responses: { 200: { description: 'Revoked', schema: ApiKeyView }, 404: { description: 'No such key' } },
  }),
  listAudit: defineRoute({
    method: 'GET', path: '/api/v1/audit', operationId: 'listAudit', tag: 'access', role: 'admin',
    summary: 'Every change made through the API, newest first (secrets masked)',
    query: AuditQuery,
    responses: { 200: { description: 'A page of the audit log', schema: AuditPage } },
  }),
};

// A JSON body only (415 otherwise): a foreign web page cannot send one, nor the Bearer
// key, without a CORS preflight this API never grants.
function commandRoute({ topic, body, operationId }: CommandTopic) {
  return defineRoute({
    method: 'POST', path: `/api/v1/commands/${topic.name}`, operationId, tag: 'commands', role: 'operator',
    summary: `Publish a ${topic.name} command, as other systems do on Kafka`,
    description: `${topic.description} Validated against the topic's contract; \`requestedBy\` defaults to the API key's name. Audited as \`command.${topic.name}\` (secret item values masked).`,
    body,
    responses: { 202: { description: 'Published', schema: CommandAccepted }, 503: { description: 'Could not be published (broker unavailable); nothing was queued; retry after `Retry-After` seconds' } },
  });
}

/** The command routes, one per topic of COMMAND_TOPICS, by operationId. */
export const COMMAND_ROUTES = new Map(COMMAND_TOPICS.map((entry) => [entry.operationId, { entry, route: commandRoute(entry) }]));

/** Every operator route, in the order the document lists them (the commands before the access routes). */
export const OPERATOR_API_ROUTE_LIST: readonly AnyRoute[] = (() => {
  const routes: AnyRoute[] = Object.values(OPERATOR_ROUTES);
  const access = routes.findIndex((r) => r.tag === 'access');
  return [...routes.slice(0, access), ...[...COMMAND_ROUTES.values()].map((c) => c.route), ...routes.slice(access)];
})();
