import { Injectable } from '@nestjs/common';
import type { Principal } from '@workpoint/http-api';
import { DataSource } from 'typeorm';
import type { SiteRow } from '../desired-state/desired-state.entities';
import { AuditLog } from './access';
import { ChangeFanout } from './change-fanout';
import { ConfigurationError } from './configuration.error';
import { SiteRepository } from './site.repository';

const view = (r: SiteRow) => ({ name: r.name, fields: r.fields, version: r.version, updatedAt: r.updatedAt.toISOString() });

/** Sites: named sets of fields that templates refer to as `{{site.<field>}}`. */
@Injectable()
export class SiteService {
  constructor(
    private readonly db: DataSource,
    private readonly sites: SiteRepository,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
  ) {}

  async list() {
    return (await this.sites.list()).map(view);
  }

  async put(name: string, fields: Record<string, string>, version: number | undefined, by: Principal, requestId: string) {
    const saved = await this.db.transaction(async (tx) => {
      const before = await this.sites.lock(tx, name);
      if (version !== undefined && before?.version !== version) throw new ConfigurationError('version-conflict', `the site was changed meanwhile (now version ${before?.version ?? 'none'})`);
      const after = await this.sites.save(tx, name, fields);
      await this.audit.record(tx, by, before ? 'site.update' : 'site.create', 'site', name, before ? view(before) : null, view(after), requestId);
      // The re-plan is recorded with the change (ChangeFanout), so a crash right after the commit loses neither.
      return { site: view(after), affectedPhones: await this.fanout.start({ kind: 'site', site: name }, `site ${name} changed`, tx) };
    });
    return saved;
  }

  async remove(name: string, by: Principal, requestId: string) {
    return this.db.transaction(async (tx) => {
      const before = await this.sites.lock(tx, name);
      if (!before) throw new ConfigurationError('site-not-found', `no site named "${name}"`);
      await this.sites.delete(tx, name);
      await this.audit.record(tx, by, 'site.delete', 'site', name, view(before), null, requestId);
      return { affectedPhones: await this.fanout.start({ kind: 'site', site: name }, `site ${name} deleted`, tx) };
    });
  }
}
