import { type DynamicModule, Module } from '@nestjs/common';
import { BusJobEvents, completedJobsSweep, JobQueue, jobStageModule, SecretBox, type StageDeps } from '@workpoint/contact-pipeline';
import type { StorageEnv } from '@workpoint/config';
import { ageSweep, RetentionJob, retentionSettingsFrom } from '@workpoint/database';
import { ApiKeys, AuditLog } from './api/access';
import { ChangeFanout } from './api/change-fanout';
import { CommandService } from './api/command.service';
import { ImportService } from './api/import.service';
import { OperatorApi, type OperatorApiSettings } from './api/operator-api';
import { operatorApiRoutes } from './api/operator-api.routes';
import { PhoneService } from './api/phone.service';
import { ProfileService } from './api/profile.service';
import { SiteService } from './api/site.service';
import { CONFIGURATION_JOB_TABLE } from './configuration.schema';
import { ConfigurationSync } from './desired-state/configuration-sync';
import { DesiredStateStore } from './desired-state/desired-state.store';
import { ConfigurationOutbox } from './desired-state/outbox';
import { ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic, type TopicContract } from '@workpoint/contracts';

export interface ConfigurationSettings {
  /** Base64 of 32 bytes: seals secret item values at rest (`CONFIG_SECRET_KEY`). */
  secretKey: string;
  /** The operator API; left out, the service runs without it (e.g. in stage tests). */
  api?: OperatorApiSettings;
  /** Retention and the dormant rule; left out (stage tests), no retention job runs and the defaults apply. */
  storage?: StorageEnv;
}

const DAY_MS = 24 * 3600_000;

/** What configuration forgets: phone history after RETENTION_HISTORY_DAYS, completed jobs after RETENTION_JOBS_DAYS (the outbox purges itself). */
export function configurationRetention(deps: Pick<StageDeps, 'dataSource' | 'logger'>, storage: StorageEnv): RetentionJob {
  return new RetentionJob(
    'configuration',
    [
      ageSweep(deps.dataSource, 'phone_history', storage.RETENTION_HISTORY_DAYS * DAY_MS, 'id', 'at < $1', 'at'),
      completedJobsSweep(new JobQueue(deps.dataSource, CONFIGURATION_JOB_TABLE), CONFIGURATION_JOB_TABLE, storage.RETENTION_JOBS_DAYS * DAY_MS),
    ],
    retentionSettingsFrom(storage),
    deps.logger,
  );
}

/**
 * The configuration service: the desired state of every phone (profiles, assignments, the
 * phone's own overrides), delivery of the difference on each contact as a WriteItems job, drift
 * and faults, the queue of operator jobs, and the operator API.
 */
@Module({})
export class ConfigurationModule {
  static register(deps: StageDeps, settings: ConfigurationSettings): DynamicModule {
    const box = SecretBox.fromBase64(settings.secretKey);
    const store = new DesiredStateStore(deps.dataSource);
    const outbox = new ConfigurationOutbox(deps.dataSource, deps.bus, deps.logger, [ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic] as TopicContract<unknown>[]);
    const events = new BusJobEvents('configuration', deps.bus);
    const sync = new ConfigurationSync(store, box, outbox, events, deps.logger);
    const stage = jobStageModule(ConfigurationModule, 'configuration', CONFIGURATION_JOB_TABLE, deps, {
      // Every answered job also updates what the phone has (a write's items, item by item).
      events: {
        completed: async (job) => {
          await sync.onWriteAnswered(job);
          await events.completed(job);
        },
        pendingChanged: (mac, queued) => events.pendingChanged(mac, queued),
        contactMe: (mac) => events.contactMe(mac),
      },
      secrets: { conceal: (items) => sync.conceal(items), reveal: (items) => sync.reveal(items) },
      beforeContact: (contact) => sync.onContact(contact),
    });
    const retention = settings.storage ? [{ provide: RetentionJob, useValue: configurationRetention(deps, settings.storage) }] : [];
    const withOutbox = { ...stage, providers: [...(stage.providers ?? []), { provide: ConfigurationOutbox, useValue: outbox }, ...retention] };
    if (!settings.api) return withOutbox;
    const audit = new AuditLog();
    const keys = new ApiKeys(deps.dataSource, deps.logger);
    const fanout = new ChangeFanout(deps.dataSource, sync, deps.logger, settings.storage ? settings.storage.DORMANT_AFTER_HOURS * 3600_000 : undefined);
    const routes = operatorApiRoutes({
      phones: new PhoneService(deps.dataSource, store, sync, box, deps.bus, audit, fanout),
      profiles: new ProfileService(deps.dataSource, store, box, sync, audit, fanout, deps.logger),
      sites: new SiteService(deps.dataSource, audit, fanout),
      imports: new ImportService(deps.dataSource, audit, fanout, deps.logger),
      commands: new CommandService(deps.dataSource, deps.bus, sync, audit, deps.logger.child({ component: 'operator-api' })),
      keys,
      audit,
      db: deps.dataSource,
    });
    const api = new OperatorApi(routes, keys, fanout, settings.api, deps.logger.child({ component: 'operator-api' }));
    // ChangeFanout is a provider for its lifecycle: its relay drains recorded fan-outs, and stops between batches at shutdown.
    return { ...withOutbox, providers: [...withOutbox.providers, { provide: ChangeFanout, useValue: fanout }, { provide: OperatorApi, useValue: api }], exports: [OperatorApi] };
  }
}
