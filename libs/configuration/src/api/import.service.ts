import type { ImportStreamMessage } from '@workpoint/contracts';
import type { Principal } from '@workpoint/http-api';
import type { Logger } from '@workpoint/logging';
import type { DataSource } from 'typeorm';
import { type ManagedPhone, toManagedPhone } from '../desired-state/desired-state.store';
import { type ImportRow, parsePhoneImport } from '../import';
import type { AuditLog } from './access';
import type { ChangeFanout } from './change-fanout';
import { PROFILE_WRITES_LOCK } from './profile.service';

export type ImportEvent = ImportStreamMessage;

const BATCH = 1000;

interface Assigned {
  mac: string;
  e164: string | null;
  model: string | null;
  site: string | null;
  tags: string[];
  user_name: string | null;
  profiles: string[];
}

/**
 * Bulk import of phones and their assignments from CSV. The whole file is checked first; with
 * any error nothing is applied. Otherwise every line is applied in one transaction (all or
 * nothing), in batches that report progress. An empty cell leaves that field as it is; a line
 * identical to what is stored changes nothing (re-importing a file is harmless).
 */
export class ImportService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
    private readonly logger: Logger,
  ) {}

  async *run(bytes: Buffer, dryRun: boolean, by: Principal, requestId: string): AsyncGenerator<ImportEvent> {
    const known = new Set(((await this.db.query('SELECT name FROM profile')) as { name: string }[]).map((r) => r.name));
    const parsed = parsePhoneImport(bytes, { knownProfiles: known });
    yield { type: 'progress', phase: 'validate', done: parsed.lines, total: parsed.lines };
    const base = { type: 'result' as const, dryRun, lines: parsed.lines, valid: parsed.rows.length, created: 0, updated: 0, unchanged: 0 };
    if (!parsed.ok) {
      this.logger.info('import refused', { requestId, lines: parsed.lines, errors: parsed.errors.length, fatal: parsed.fatal?.code });
      yield { ...base, errors: parsed.errors, ...(parsed.fatal ? { fatal: parsed.fatal } : {}) };
      return;
    }
    const runner = this.db.createQueryRunner();
    await runner.connect();
    let committed = false;
    let vanished: ImportRow[] = [];
    const changed: string[] = [];
    const counts = { created: 0, updated: 0, unchanged: 0 };
    try {
      await runner.startTransaction();
      // The profiles were checked before the transaction: check again under the lock that keeps
      // them from being deleted until this import commits.
      await runner.query(`SELECT pg_advisory_xact_lock_shared(${PROFILE_WRITES_LOCK})`);
      const named = [...new Set(parsed.rows.flatMap((r) => (r.profile ? [r.profile] : [])))];
      const still = new Set(((await runner.query('SELECT name FROM profile WHERE name = ANY($1)', [named])) as { name: string }[]).map((r) => r.name));
      vanished = parsed.rows.filter((r) => r.profile !== undefined && !still.has(r.profile));
      for (let start = 0; vanished.length === 0 && start < parsed.rows.length; start += BATCH) {
        const rows = parsed.rows.slice(start, start + BATCH);
        const existing = new Map(
          // A dry run writes nothing, so it locks no phone (contacts of these phones go on meanwhile).
          ((await runner.query(`SELECT * FROM managed_phone WHERE mac = ANY($1)${dryRun ? '' : ' FOR UPDATE'}`, [rows.map((r) => r.mac)])) as Record<string, unknown>[]).map((r) => {
            const p = toManagedPhone(r);
            return [p.mac, p] as const;
          }),
        );
        const writes: Assigned[] = [];
        const audits: { id: string; before: unknown; after: unknown }[] = [];
        for (const row of rows) {
          const before = existing.get(row.mac);
          const after = assignedFrom(row, before);
          if (before && sameAssignment(assignedOf(before), after)) {
            counts.unchanged++;
            continue;
          }
          if (before) counts.updated++;
          else counts.created++;
          writes.push(after);
          audits.push({ id: row.mac, before: before ? assignedOf(before) : null, after });
          changed.push(row.mac);
        }
        if (!dryRun && writes.length > 0) {
          await runner.query(
            `INSERT INTO managed_phone (mac, e164, model, site, tags, user_name, profiles, assignment_version, assigned_at, updated_at)
             SELECT r.mac, r.e164, r.model, r.site, coalesce(r.tags, '{}'), r.user_name, coalesce(r.profiles, '{}'), 1, now(), now()
             FROM jsonb_to_recordset($1::jsonb) AS r(mac varchar, e164 varchar, model varchar, site varchar, tags varchar[], user_name varchar, profiles varchar[])
             ON CONFLICT (mac) DO UPDATE SET e164 = excluded.e164, model = excluded.model, site = excluded.site, tags = excluded.tags,
               user_name = excluded.user_name, profiles = excluded.profiles, assignment_version = managed_phone.assignment_version + 1,
               assigned_at = now(), updated_at = now()`,
            [JSON.stringify(writes)],
          );
          await this.audit.recordMany(runner.manager, by, 'assignment.import', 'phone', audits, requestId);
        }
        yield { type: 'progress', phase: 'apply', done: Math.min(start + BATCH, parsed.rows.length), total: parsed.rows.length };
      }
      if (dryRun || vanished.length > 0) await runner.rollbackTransaction();
      else {
        // The re-plan is recorded with the import (ChangeFanout), so a crash right after the commit loses neither.
        if (changed.length > 0) await this.fanout.start({ kind: 'macs', macs: changed }, `import ${requestId}`, runner.manager);
        await runner.commitTransaction();
      }
      committed = true;
    } finally {
      if (!committed && runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    if (vanished.length > 0) {
      this.logger.info('import refused', { requestId, lines: parsed.lines, errors: vanished.length });
      yield { ...base, valid: base.valid - vanished.length, errors: vanished.map((r) => ({ line: r.line, column: 'profile', message: `unknown profile '${r.profile}' (deleted meanwhile)` })) };
      return;
    }
    this.logger.info(dryRun ? 'import checked (dry run)' : 'import applied', { requestId, lines: parsed.lines, ...counts });
    yield { ...base, ...counts, errors: [] };
  }
}

function assignedOf(p: ManagedPhone): Assigned {
  const a = p.assignment;
  return { mac: p.mac, e164: a.e164, model: a.model, site: a.site, tags: a.tags, user_name: a.userName, profiles: a.profiles };
}

function assignedFrom(row: ImportRow, before: ManagedPhone | undefined): Assigned {
  const current = before ? assignedOf(before) : { mac: row.mac, e164: null, model: null, site: null, tags: [], user_name: null, profiles: [] };
  return {
    mac: row.mac,
    e164: row.e164 ?? current.e164,
    model: row.model ?? current.model,
    site: row.site ?? current.site,
    tags: row.tags.length > 0 ? row.tags : current.tags,
    user_name: row.user ?? current.user_name,
    profiles: row.profile ? [row.profile] : current.profiles,
  };
}

const sameAssignment = (a: Assigned, b: Assigned) => JSON.stringify(a) === JSON.stringify(b);
