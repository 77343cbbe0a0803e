import { Controller, Res } from '@nestjs/common';
import { ApiRoute, type ContextOf, RouteCtx, streamOf } from '@workpoint/http-api';
import type { FastifyReply } from 'fastify';
import type { StreamableFile } from '@nestjs/common';
import { ApiKeys, AuditLog } from './access';
import { AssignmentService } from './assignment.service';
import { CommandService } from './command.service';
import { ConfigurationError } from './configuration.error';
import { ImportService } from './import.service';
import { COMMAND_ROUTES, OPERATOR_ROUTES as R } from './operator-api.routes';
import { PhoneJobService } from './phone-job.service';
import { PhoneService } from './phone.service';
import { ProfileService } from './profile.service';
import { SiteService } from './site.service';

// Thin on purpose: the hooks authenticated the request and the interceptor validated it against
// the route's schemas before a method runs; each method only calls its service.

@Controller()
export class PhonesController {
  constructor(private readonly phones: PhoneService) {}

  @ApiRoute(R.listPhones)
  list(@RouteCtx() { query }: ContextOf<typeof R.listPhones>) {
    return this.phones.list(query);
  }

  @ApiRoute(R.exportPhones)
  export(@RouteCtx() { query }: ContextOf<typeof R.exportPhones>): StreamableFile {
    return streamOf(this.phones.exportCsv(query), 'text/csv; charset=utf-8', 'attachment; filename="phones.csv"');
  }

  @ApiRoute(R.getPhone)
  get(@RouteCtx() { params }: ContextOf<typeof R.getPhone>) {
    return this.phones.detail(params.mac);
  }

  @ApiRoute(R.getPhoneHistory)
  history(@RouteCtx() { params, query }: ContextOf<typeof R.getPhoneHistory>) {
    return this.phones.history(params.mac, query);
  }

  @ApiRoute(R.getFleetDrift)
  drift() {
    return this.phones.driftSummary();
  }

  @ApiRoute(R.listTags)
  tags() {
    return this.phones.tags();
  }
}

/** A phone's configuration jobs, and forgetting the items it refused (which re-plans it). */
@Controller()
export class PhoneJobsController {
  constructor(private readonly phones: PhoneService, private readonly phoneJobs: PhoneJobService) {}

  @ApiRoute(R.listPhoneJobs)
  async list(@RouteCtx() { params }: ContextOf<typeof R.listPhoneJobs>) {
    return { jobs: await this.phones.jobs(params.mac) };
  }

  @ApiRoute(R.requestPhoneJob)
  request(@RouteCtx() { params, body, principal }: ContextOf<typeof R.requestPhoneJob>) {
    return this.phoneJobs.requestJob(params.mac, body, principal!);
  }

  @ApiRoute(R.clearPhoneFaults)
  clearFaults(@RouteCtx() { params, principal, requestId }: ContextOf<typeof R.clearPhoneFaults>) {
    return this.phoneJobs.clearFaults(params.mac, principal!, requestId);
  }
}

@Controller()
export class AssignmentsController {
  constructor(private readonly phones: PhoneService, private readonly assignments: AssignmentService) {}

  @ApiRoute(R.getAssignment)
  async get(@RouteCtx() { params }: ContextOf<typeof R.getAssignment>) {
    return (await this.phones.detail(params.mac)).assignment;
  }

  @ApiRoute(R.putAssignment)
  put(@RouteCtx() { params, body, principal, requestId }: ContextOf<typeof R.putAssignment>) {
    return this.assignments.assign(params.mac, body, principal!, requestId);
  }

  @ApiRoute(R.assignProfileToPhones)
  assignProfile(@RouteCtx() { params, body, principal, requestId }: ContextOf<typeof R.assignProfileToPhones>) {
    return this.assignments.assignProfile(params.name, body.macs, true, principal!, requestId);
  }

  @ApiRoute(R.unassignProfileFromPhones)
  unassignProfile(@RouteCtx() { params, body, principal, requestId }: ContextOf<typeof R.unassignProfileFromPhones>) {
    return this.assignments.assignProfile(params.name, body.macs, false, principal!, requestId);
  }
}

@Controller()
export class ImportsController {
  constructor(private readonly imports: ImportService) {}

  /** NDJSON progress when asked for (`Accept: application/x-ndjson`), else one result: 422 when nothing was applied. */
  @ApiRoute(R.importPhones)
  async run(@RouteCtx() { query, body, principal, requestId, headers }: ContextOf<typeof R.importPhones>, @Res({ passthrough: true }) reply: FastifyReply) {
    const events = this.imports.run(body, query.dryRun, principal!, requestId);
    if (String(headers.accept ?? '').includes('ndjson')) {
      return streamOf((async function* () { for await (const e of events) yield `${JSON.stringify(e)}\n`; })(), 'application/x-ndjson');
    }
    let result: unknown;
    for await (const e of events) if (e.type === 'result') result = e;
    const failed = (result as { errors: unknown[]; fatal?: unknown }).errors.length > 0 || (result as { fatal?: unknown }).fatal !== undefined;
    if (failed) void reply.status(422);
    return result;
  }
}

@Controller()
export class ProfilesController {
  constructor(private readonly profiles: ProfileService) {}

  @ApiRoute(R.listProfiles)
  async list() {
    return { profiles: await this.profiles.list() };
  }

  @ApiRoute(R.createProfile)
  create(@RouteCtx() { body, principal, requestId }: ContextOf<typeof R.createProfile>) {
    return this.profiles.create(body, principal!, requestId);
  }

  @ApiRoute(R.previewProfile)
  preview(@RouteCtx() { body }: ContextOf<typeof R.previewProfile>) {
    return this.profiles.preview(body.mac, body.profile);
  }

  @ApiRoute(R.getProfile)
  get(@RouteCtx() { params }: ContextOf<typeof R.getProfile>) {
    return this.profiles.get(params.name);
  }

  @ApiRoute(R.updateProfile)
  update(@RouteCtx() { params, body, principal, requestId }: ContextOf<typeof R.updateProfile>) {
    return this.profiles.update(params.name, body, principal!, requestId);
  }

  @ApiRoute(R.deleteProfile)
  remove(@RouteCtx() { params, query, principal, requestId }: ContextOf<typeof R.deleteProfile>) {
    return this.profiles.remove(params.name, query.version, principal!, requestId);
  }
}

@Controller()
export class SitesController {
  constructor(private readonly sites: SiteService) {}

  @ApiRoute(R.listSites)
  async list() {
    return { sites: await this.sites.list() };
  }

  @ApiRoute(R.putSite)
  put(@RouteCtx() { params, body, principal, requestId }: ContextOf<typeof R.putSite>) {
    return this.sites.put(params.name, body.fields, body.version, principal!, requestId);
  }

  @ApiRoute(R.deleteSite)
  remove(@RouteCtx() { params, principal, requestId }: ContextOf<typeof R.deleteSite>) {
    return this.sites.remove(params.name, principal!, requestId);
  }
}

const command = (operationId: string) => {
  const found = COMMAND_ROUTES.get(operationId);
  if (!found) throw new Error(`no command route ${operationId}`);
  return found;
};
const CONFIGURATION_JOB = command('commandConfigurationJob');
const DEPLOYMENT_JOB = command('commandDeploymentJob');
const CONTACT_ME = command('commandContactMe');

/** One method per topic of COMMAND_TOPICS: each has its own path and body contract. */
@Controller()
export class CommandsController {
  constructor(private readonly commands: CommandService) {}

  @ApiRoute(CONFIGURATION_JOB.route)
  configurationJob(@RouteCtx() { body, principal, requestId }: ContextOf<typeof CONFIGURATION_JOB.route>) {
    return this.commands.publish(CONFIGURATION_JOB.entry.topic, body, principal!, requestId);
  }

  @ApiRoute(DEPLOYMENT_JOB.route)
  deploymentJob(@RouteCtx() { body, principal, requestId }: ContextOf<typeof DEPLOYMENT_JOB.route>) {
    return this.commands.publish(DEPLOYMENT_JOB.entry.topic, body, principal!, requestId);
  }

  @ApiRoute(CONTACT_ME.route)
  contactMe(@RouteCtx() { body, principal, requestId }: ContextOf<typeof CONTACT_ME.route>) {
    return this.commands.publish(CONTACT_ME.entry.topic, body, principal!, requestId);
  }
}

@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys, private readonly audit: AuditLog) {}

  @ApiRoute(R.listApiKeys)
  async list() {
    return { keys: await this.keys.list() };
  }

  @ApiRoute(R.createApiKey)
  create(@RouteCtx() { body, principal, requestId }: ContextOf<typeof R.createApiKey>) {
    return this.keys.create(body.name, body.role, principal!, this.audit, requestId);
  }

  @ApiRoute(R.revokeApiKey)
  async revoke(@RouteCtx() { params, principal, requestId }: ContextOf<typeof R.revokeApiKey>) {
    const revoked = await this.keys.revoke(params.id, principal!, this.audit, requestId);
    if (!revoked) throw new ConfigurationError('api-key-not-found', `no API key ${params.id}`);
    return revoked;
  }
}

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @ApiRoute(R.listAudit)
  page(@RouteCtx() { query }: ContextOf<typeof R.listAudit>) {
    return this.audit.page(query);
  }
}

/** Every controller of the operator API, one per area. */
export const OPERATOR_API_CONTROLLERS = [
  PhonesController,
  PhoneJobsController,
  AssignmentsController,
  ImportsController,
  ProfilesController,
  SitesController,
  CommandsController,
  ApiKeysController,
  AuditController,
];
