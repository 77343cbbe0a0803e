import { HttpError, type Principal } from '@workpoint/http-api';
import type { DataSource } from 'typeorm';
import type { AuditLog } from './access';
import type { ChangeFanout } from './change-fanout';

const view = (r: { name: string; fields: Record<string, string>; version: number; updated_at: Date }) => ({ name: r.name, fields: r.fields, version: r.version, updatedAt: r.updated_at.toISOString() });

/** Sites: named sets of fields that templates refer to as `{{site.<field>}}`. */
export class SiteService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
  ) {}

  async list() {
    return (await this.db.query('SELECT * FROM site ORDER BY name')).map(view);
  }

  async put(name: string, fields: Record<string, string>, version: number | undefined, by: Principal, requestId: string) {
    const saved = await this.db.transaction(async (tx) => {
      const [before] = await tx.query('SELECT * FROM site WHERE name = $1 FOR UPDATE', [name]);
      if (version !== undefined && before?.version !== version) throw new HttpError(409, 'version-conflict', `the site was changed meanwhile (now version ${before?.version ?? 'none'})`);
      const [after] = await tx.query(
        `INSERT INTO site (name, fields, version, updated_at) VALUES ($1, $2, 1, now())
         ON CONFLICT (name) DO UPDATE SET fields = excluded.fields, version = site.version + 1, updated_at = now() RETURNING *`,
        [name, JSON.stringify(fields)],
      );
      await this.audit.record(tx, by, before ? 'site.update' : 'site.create', 'site', name, before ? view(before) : null, view(after), requestId);
      // The re-plan is recorded with the change (ChangeFanout), so a crash right after the commit loses neither.
      return { site: view(after), affectedPhones: await this.fanout.start({ kind: 'site', site: name }, `site ${name} changed`, tx) };
    });
    return saved;
  }

  async remove(name: string, by: Principal, requestId: string) {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.query('SELECT * FROM site WHERE name = $1 FOR UPDATE', [name]);
      if (!before) throw new HttpError(404, 'site-not-found', `no site named "${name}"`);
      await tx.query('DELETE FROM site WHERE name = $1', [name]);
      await this.audit.record(tx, by, 'site.delete', 'site', name, view(before), null, requestId);
      return { affectedPhones: await this.fanout.start({ kind: 'site', site: name }, `site ${name} deleted`, tx) };
    });
  }
}
