import { type AnyRoute, defineRoute } from '@workpoint/http-api';
import { z } from 'zod';
import type { ApiKeys, AuditLog } from './access';
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
import { COMMAND_TOPICS, type CommandService } from './command.service';
import type { ImportService } from './import.service';
import type { AssignmentService } from './assignment.service';
import type { PhoneJobService } from './phone-job.service';
import type { PhoneService } from './phone.service';
import type { ProfileService } from './profile.service';
import type { SiteService } from './site.service';
import { ConfigurationError } from './configuration.error';

export interface OperatorApiServices {
  phones: PhoneService;
  phoneJobs: PhoneJobService;
  assignments: AssignmentService;
  profiles: ProfileService;
  sites: SiteService;
  imports: ImportService;
  commands: CommandService;
  keys: ApiKeys;
  audit: AuditLog;
}

const ok = <T>(body: T, status = 200) => ({ status, body });
const IMPORT_MAX_BYTES = 16 * 1024 * 1024;
const Removed = z.object({ affectedPhones: z.number().int() });
const Resynced = z.object({ mac: z.string(), writes: z.number().int(), drift: z.number().int(), faults: z.number().int(), pending: z.boolean() });
const BulkAssigned = z.object({ changed: z.number().int(), unchanged: z.number().int(), affectedPhones: z.number().int() });
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
const AffectedSite = z.object({ site: SiteView, affectedPhones: z.number().int() });
const CommandAccepted = z.object({ accepted: z.literal(true), topic: z.string() });

/** Every operator endpoint: the one source of routing, validation, roles and the OpenAPI document. */
export function operatorApiRoutes(s: OperatorApiServices): AnyRoute[] {
  const common = { 404: { description: 'No such phone, profile or site' } };
  return [
    // ── phones ──────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET', path: '/api/v1/phones', operationId: 'listPhones', tag: 'phones', role: 'read-only',
      summary: 'List phones, filtered, a page at a time (cursor)',
      query: PhoneListQuery,
      responses: { 200: { description: 'A page of phones', schema: PhoneList } },
      handler: async ({ query }) => ok(await s.phones.list(query)),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/phones/export.csv', operationId: 'exportPhones', tag: 'phones', role: 'read-only',
      summary: 'The filtered phone list as CSV (all pages)',
      query: PhoneListQuery,
      responses: { 200: { description: 'CSV, one phone per line', contentType: 'text/csv' } },
      handler: ({ query }) => ({ status: 200, contentType: 'text/csv; charset=utf-8', headers: { 'Content-Disposition': 'attachment; filename="phones.csv"' }, stream: s.phones.exportCsv(query) }),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/phones/{mac}', operationId: 'getPhone', tag: 'phones', role: 'read-only',
      summary: 'One phone: reported items, effective configuration with sources, pending writes, drift, faults',
      params: MacPathParams,
      responses: { 200: { description: 'The phone', schema: PhoneDetail }, ...common },
      handler: async ({ params }) => ok(await s.phones.detail(params.mac)),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/phones/{mac}/history', operationId: 'getPhoneHistory', tag: 'phones', role: 'read-only',
      summary: 'Reports, writes and adoptions of one phone, newest first',
      params: MacPathParams, query: PageQuery,
      responses: { 200: { description: 'A page of history', schema: HistoryPage }, ...common },
      handler: async ({ params, query }) => ok(await s.phones.history(params.mac, query)),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/phones/{mac}/jobs', operationId: 'listPhoneJobs', tag: 'jobs', role: 'read-only',
      summary: 'The phone\'s configuration jobs (latest 100), secrets masked',
      params: MacPathParams,
      responses: { 200: { description: 'Jobs', schema: z.object({ jobs: z.array(JobView) }) } },
      handler: async ({ params }) => ok({ jobs: await s.phones.jobs(params.mac) }),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/phones/{mac}/jobs', operationId: 'requestPhoneJob', tag: 'jobs', role: 'operator',
      summary: 'Read items now, write items now, restart, or factory-reset a phone (queued; the phone is asked to call back)',
      params: MacPathParams, body: JobInput,
      responses: { 202: { description: 'Queued', schema: JobAccepted }, ...common },
      handler: async ({ params, body, principal }) => ok(await s.phoneJobs.requestJob(params.mac, body, principal!), 202),
    }),
    defineRoute({
      method: 'DELETE', path: '/api/v1/phones/{mac}/faults', operationId: 'clearPhoneFaults', tag: 'phones', role: 'operator',
      summary: 'Forget the items the phone refused, so they are offered again',
      params: MacPathParams,
      responses: { 200: { description: 'Re-planned', schema: Resynced }, ...common },
      handler: async ({ params, principal, requestId }) => ok(await s.phoneJobs.clearFaults(params.mac, principal!, requestId)),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/drift', operationId: 'getFleetDrift', tag: 'phones', role: 'read-only',
      summary: 'Fleet-wide drift and faults: how many phones, which items',
      responses: { 200: { description: 'Summary', schema: DriftSummary } },
      handler: async () => ok(await s.phones.driftSummary()),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/tags', operationId: 'listTags', tag: 'assignments', role: 'read-only',
      summary: 'Tags in use, with their phone counts',
      responses: { 200: { description: 'Tags', schema: TagList } },
      handler: async () => ok(await s.phones.tags()),
    }),
    // ── assignments ─────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET', path: '/api/v1/assignments/{mac}', operationId: 'getAssignment', tag: 'assignments', role: 'read-only',
      summary: 'What decides a phone\'s configuration: number, model, site, tags, user, profiles, overrides',
      params: MacPathParams,
      responses: { 200: { description: 'The assignment', schema: AssignmentView }, ...common },
      handler: async ({ params }) => ok((await s.phones.detail(params.mac)).assignment),
    }),
    defineRoute({
      method: 'PUT', path: '/api/v1/assignments/{mac}', operationId: 'putAssignment', tag: 'assignments', role: 'operator',
      summary: 'Set a phone\'s assignment (fields left out stay as they are); the phone is asked to call back when its configuration changes',
      params: MacPathParams, body: AssignmentInput,
      responses: { 200: { description: 'The assignment', schema: AssignmentView }, 409: { description: 'Changed meanwhile (version)' }, 422: { description: 'Unknown profile, or overrides the item checks refuse (as in a profile)' } },
      handler: async ({ params, body, principal, requestId }) => ok(await s.assignments.assign(params.mac, body, principal!, requestId)),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/profiles/{name}/phones', operationId: 'assignProfileToPhones', tag: 'assignments', role: 'operator',
      summary: 'Assign a phone-layer profile to many phones',
      params: NamePathParams, body: BulkAssign,
      responses: { 200: { description: 'Done', schema: BulkAssigned }, 422: { description: 'Unknown profile' } },
      handler: async ({ params, body, principal, requestId }) => ok(await s.assignments.assignProfile(params.name, body.macs, true, principal!, requestId)),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/profiles/{name}/phones/remove', operationId: 'unassignProfileFromPhones', tag: 'assignments', role: 'operator',
      summary: 'Take a phone-layer profile off many phones',
      params: NamePathParams, body: BulkAssign,
      responses: { 200: { description: 'Done', schema: BulkAssigned }, 422: { description: 'Unknown profile' } },
      handler: async ({ params, body, principal, requestId }) => ok(await s.assignments.assignProfile(params.name, body.macs, false, principal!, requestId)),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/imports', operationId: 'importPhones', tag: 'assignments', role: 'operator',
      summary: 'Import phones and assignments from CSV (mac,e164,model,site,tags,user,profile); all or nothing',
      description: 'With `Accept: application/x-ndjson` the answer streams progress lines, then the result line; otherwise one JSON result (422 when the file has errors).',
      query: ImportQuery, body: { kind: 'text', contentType: 'text/csv', maxBytes: IMPORT_MAX_BYTES },
      responses: { 200: { description: 'The result (or NDJSON progress + result)', schema: ImportResult }, 422: { description: 'The file has errors; nothing was applied', schema: ImportResult } },
      handler: async ({ query, body, principal, requestId, headers }) => {
        const events = s.imports.run(body, query.dryRun, principal!, requestId);
        if (String(headers.accept ?? '').includes('ndjson')) {
          return { status: 200, contentType: 'application/x-ndjson', stream: (async function* () { for await (const e of events) yield `${JSON.stringify(e)}\n`; })() };
        }
        let result: unknown;
        for await (const e of events) if (e.type === 'result') result = e;
        const failed = (result as { errors: unknown[]; fatal?: unknown }).errors.length > 0 || (result as { fatal?: unknown }).fatal !== undefined;
        return ok(result, failed ? 422 : 200);
      },
    }),
    // ── profiles ────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET', path: '/api/v1/profiles', operationId: 'listProfiles', tag: 'profiles', role: 'read-only',
      summary: 'All profiles, in layering order (secret values never shown)',
      responses: { 200: { description: 'Profiles', schema: z.object({ profiles: z.array(ProfileView) }) } },
      handler: async () => ok({ profiles: await s.profiles.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/profiles', operationId: 'createProfile', tag: 'profiles', role: 'operator',
      summary: 'Create a profile; phones it applies to are asked to call back',
      body: ProfileInput,
      responses: { 201: { description: 'Created', schema: ProfileSaved }, 409: { description: 'Name taken' }, 422: { description: 'Invalid profile (items, templates, layering)' } },
      handler: async ({ body, principal, requestId }) => ok(await s.profiles.create(body, principal!, requestId), 201),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/profiles/preview', operationId: 'previewProfile', tag: 'profiles', role: 'read-only',
      summary: 'The effective configuration a phone would get with this profile saved, and what would be written',
      body: PreviewInput,
      responses: { 200: { description: 'Preview', schema: PreviewView }, ...common },
      handler: async ({ body }) => ok(await s.profiles.preview(body.mac, body.profile)),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/profiles/{name}', operationId: 'getProfile', tag: 'profiles', role: 'read-only',
      summary: 'One profile',
      params: NamePathParams,
      responses: { 200: { description: 'The profile', schema: ProfileView }, ...common },
      handler: async ({ params }) => ok(await s.profiles.get(params.name)),
    }),
    defineRoute({
      method: 'PUT', path: '/api/v1/profiles/{name}', operationId: 'updateProfile', tag: 'profiles', role: 'operator',
      summary: 'Replace a profile (send the version you read; secret items sent without a value keep theirs)',
      params: NamePathParams, body: ProfileUpdate,
      responses: { 200: { description: 'Saved', schema: ProfileSaved }, ...common, 409: { description: 'Changed meanwhile (version)' }, 422: { description: 'Invalid profile' } },
      handler: async ({ params, body, principal, requestId }) => ok(await s.profiles.update(params.name, body, principal!, requestId)),
    }),
    defineRoute({
      method: 'DELETE', path: '/api/v1/profiles/{name}', operationId: 'deleteProfile', tag: 'profiles', role: 'operator',
      summary: 'Delete a profile no other profile extends and no phone has assigned',
      params: NamePathParams, query: VersionQuery,
      responses: { 200: { description: 'Deleted', schema: Removed }, ...common, 409: { description: 'In use, or changed meanwhile' } },
      handler: async ({ params, query, principal, requestId }) => ok(await s.profiles.remove(params.name, query.version, principal!, requestId)),
    }),
    // ── sites ───────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET', path: '/api/v1/sites', operationId: 'listSites', tag: 'sites', role: 'read-only',
      summary: 'Sites and their template fields',
      responses: { 200: { description: 'Sites', schema: z.object({ sites: z.array(SiteView) }) } },
      handler: async () => ok({ sites: await s.sites.list() }),
    }),
    defineRoute({
      method: 'PUT', path: '/api/v1/sites/{name}', operationId: 'putSite', tag: 'sites', role: 'operator',
      summary: 'Create or replace a site\'s fields ({{site.<field>}} in templates)',
      params: NamePathParams, body: SiteInput,
      responses: { 200: { description: 'Saved', schema: AffectedSite }, 409: { description: 'Changed meanwhile (version)' } },
      handler: async ({ params, body, principal, requestId }) => ok(await s.sites.put(params.name, body.fields, body.version, principal!, requestId)),
    }),
    defineRoute({
      method: 'DELETE', path: '/api/v1/sites/{name}', operationId: 'deleteSite', tag: 'sites', role: 'operator',
      summary: 'Delete a site',
      params: NamePathParams,
      responses: { 200: { description: 'Deleted', schema: Removed }, ...common },
      handler: async ({ params, principal, requestId }) => ok(await s.sites.remove(params.name, principal!, requestId)),
    }),
    // ── commands ────────────────────────────────────────────────────────────
    // A JSON body only (415 otherwise): a foreign web page cannot send one, nor the Bearer
    // key, without a CORS preflight this API never grants.
    ...COMMAND_TOPICS.map(({ topic, body, operationId }) =>
      defineRoute({
        method: 'POST', path: `/api/v1/commands/${topic.name}`, operationId, tag: 'commands', role: 'operator',
        summary: `Publish a ${topic.name} command, as other systems do on Kafka`,
        description: `${topic.description} Validated against the topic's contract; \`requestedBy\` defaults to the API key's name. Audited as \`command.${topic.name}\` (secret item values masked).`,
        body,
        responses: { 202: { description: 'Published', schema: CommandAccepted }, 503: { description: 'Could not be published (broker unavailable); nothing was queued; retry after `Retry-After` seconds' } },
        handler: async ({ body: command, principal, requestId }) => ok(await s.commands.publish(topic, command, principal!, requestId), 202),
      }),
    ),
    // ── access ──────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET', path: '/api/v1/api-keys', operationId: 'listApiKeys', tag: 'access', role: 'admin',
      summary: 'API keys (never their secrets)',
      responses: { 200: { description: 'Keys', schema: z.object({ keys: z.array(ApiKeyView) }) } },
      handler: async () => ok({ keys: await s.keys.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/api-keys', operationId: 'createApiKey', tag: 'access', role: 'admin',
      summary: 'Create an API key with a role; the key is shown once',
      body: ApiKeyInput,
      responses: { 201: { description: 'Created', schema: ApiKeyCreated } },
      handler: async ({ body, principal, requestId }) => ok(await s.keys.create(body.name, body.role, principal!, s.audit, requestId), 201),
    }),
    defineRoute({
      method: 'DELETE', path: '/api/v1/api-keys/{id}', operationId: 'revokeApiKey', tag: 'access', role: 'admin',
      summary: 'Revoke an API key',
      params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }),
      responses: { 200: { description: 'Revoked', schema: ApiKeyView }, 404: { description: 'No such key' } },
      handler: async ({ params, principal, requestId }) => {
        const revoked = await s.keys.revoke(params.id, principal!, s.audit, requestId);
        if (!revoked) throw new ConfigurationError('api-key-not-found', `no API key ${params.id}`);
        return ok(revoked);
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/audit', operationId: 'listAudit', tag: 'access', role: 'admin',
      summary: 'Every change made through the API, newest first (secrets masked)',
      query: AuditQuery,
      responses: { 200: { description: 'A page of the audit log', schema: AuditPage } },
      handler: async ({ query }) => ok(await s.audit.page(query)),
    }),
  ];
}
