import { Injectable } from '@nestjs/common';
import type { ImportStreamMessage } from '@workpoint/contracts';
import type { Principal } from '@workpoint/http-api';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { type ImportRow, parsePhoneImport } from '../import';
import { AuditLog } from './access';
import { ChangeFanout } from './change-fanout';
import { type ImportedAssignment, ManagedPhoneRepository } from './managed-phone.repository';
import { ProfileRepository } from './profile.repository';

export type ImportEvent = ImportStreamMessage;

const BATCH = 1000;

/** Also what the audit log shows of an imported assignment (before and after). */
type Assigned = ImportedAssignment;

/**
 * Bulk import of phones and their assignments from CSV. The whole file is checked first; with
 * any error nothing is applied. Otherwise every line is applied in one transaction (all or
 * nothing), in batches that report progress. An empty cell leaves that field as it is; a line
 * identical to what is stored changes nothing (re-importing a file is harmless).
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly db: DataSource,
    private readonly profiles: ProfileRepository,
    private readonly phones: ManagedPhoneRepository,
    private readonly audit: AuditLog,
    private readonly fanout: ChangeFanout,
    private readonly logger: Logger,
  ) {}

  async *run(bytes: Buffer, dryRun: boolean, by: Principal, requestId: string): AsyncGenerator<ImportEvent> {
    const known = new Set(await this.profiles.names());
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
      await this.profiles.lockWritesShared(runner.manager);
      const named = [...new Set(parsed.rows.flatMap((r) => (r.profile ? [r.profile] : [])))];
      const still = await this.profiles.existing(runner.manager, named);
      vanished = parsed.rows.filter((r) => r.profile !== undefined && !still.has(r.profile));
      for (let start = 0; vanished.length === 0 && start < parsed.rows.length; start += BATCH) {
        const rows = parsed.rows.slice(start, start + BATCH);
        const existing = new Map(
          // A dry run writes nothing, so it locks no phone (contacts of these phones go on meanwhile).
          (await this.phones.assignmentsOf(runner.manager, rows.map((r) => r.mac), !dryRun)).map((p) => [p.mac, assignedOf(p)] as const),
        );
        const writes: Assigned[] = [];
        const audits: { id: string; before: unknown; after: unknown }[] = [];
        for (const row of rows) {
          const before = existing.get(row.mac);
          const after = assignedFrom(row, before);
          if (before && sameAssignment(before, after)) {
            counts.unchanged++;
            continue;
          }
          if (before) counts.updated++;
          else counts.created++;
          writes.push(after);
          audits.push({ id: row.mac, before: before ?? null, after });
          changed.push(row.mac);
        }
        if (!dryRun && writes.length > 0) {
          await this.phones.importAssignments(runner.manager, writes);
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

/** The stored assignment, its fields in the order `sameAssignment` compares. */
function assignedOf(r: ImportedAssignment): Assigned {
  return { mac: r.mac, e164: r.e164, model: r.model, site: r.site, tags: r.tags, user_name: r.user_name, profiles: r.profiles };
}

function assignedFrom(row: ImportRow, before: Assigned | undefined): Assigned {
  const current = before ?? { mac: row.mac, e164: null, model: null, site: null, tags: [], user_name: null, profiles: [] };
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
