import { API_ROLES, generateApiKey, parseApiKey, type ApiRole, type Principal, verifyApiKeySecret, hashApiKeySecret } from '@workpoint/http-api';
import { Logger, redact } from '@workpoint/logging';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiKeyRow } from '../desired-state/desired-state.entities';
import { ApiKeyRepository } from './api-key.repository';
import { AuditLogRepository } from './audit-log.repository';
import { ConfigurationError } from './configuration.error';

/** An actor as the audit log names it. */
export const actorOf = (p: Principal | undefined) => (p ? `${p.name} (key ${p.keyId}, ${p.role})` : 'system');

/**
 * API keys: `wpk_<id>_<secret>`; only the SHA-256 of the secret is stored. Verified keys are
 * remembered for a few seconds, so a list query does not cost a key lookup each time; a
 * revocation takes effect on every instance within that time.
 */
@Injectable()
export class ApiKeys {
  /** How long a verified key is remembered. */
  static readonly CACHE_MS = 5000;
  private readonly cache = new Map<string, { principal: Principal | undefined; hash: string; until: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeyRepository,
    private readonly logger: Logger,
  ) {}

  async authenticate(presented: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const cached = this.cache.get(parsed.id);
    if (cached && cached.until > Date.now()) return verifyApiKeySecret(parsed.secret, cached.hash) ? cached.principal : undefined;
    const row = await this.keys.findById(parsed.id);
    if (!row) return undefined;
    const principal = row.revokedAt ? undefined : { keyId: row.id, name: row.name, role: apiRole(row.role) };
    this.cache.set(row.id, { principal, hash: row.secretHash, until: Date.now() + ApiKeys.CACHE_MS });
    return verifyApiKeySecret(parsed.secret, row.secretHash) ? principal : undefined;
  }

  /**
   * The key an operator configured for bootstrapping (`API_ADMIN_KEY`): stored (hashed) as an
   * admin key the first time. Revoking it through the API sticks across restarts; to bring a
   * bootstrap key back, configure a new one.
   */
  async ensureBootstrapKey(key: string): Promise<void> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new Error('API_ADMIN_KEY must look like wpk_<12 hex>_<secret>; create one with `workpoint api-key`');
    await this.keys.insertIfAbsent({ id: parsed.id, name: 'bootstrap admin', role: 'admin', secretHash: hashApiKeySecret(parsed.secret), createdBy: 'configuration' });
    this.logger.info('bootstrap admin API key in place', { keyId: parsed.id });
  }

  async create(name: string, role: ApiRole, by: Principal, audit: AuditLog, requestId: string) {
    const key = generateApiKey();
    return this.db.transaction(async (tx) => {
      const view = apiKeyView(await this.keys.insert(tx, { id: key.id, name, role, secretHash: key.hash, createdBy: by.name }));
      await audit.record(tx, by, 'api-key.create', 'api-key', key.id, null, view, requestId);
      return { ...view, key: key.key };
    });
  }

  async list() {
    return (await this.keys.list()).map(apiKeyView);
  }

  async revoke(id: string, by: Principal, audit: AuditLog, requestId: string) {
    const revoked = await this.db.transaction(async (tx) => {
      const before = await this.keys.lock(tx, id);
      if (!before) return undefined;
      const after = await this.keys.revoke(tx, id);
      await audit.record(tx, by, 'api-key.revoke', 'api-key', id, apiKeyView(before), apiKeyView(after), requestId);
      return apiKeyView(after);
    });
    // Only once committed: dropped earlier, a request in between reads the row as it was
    // (not yet revoked) and caches the key as valid again.
    this.cache.delete(id);
    return revoked;
  }
}

/** A stored role; the column holds only what the API wrote, so anything else is a corrupt row. */
function apiRole(role: string): ApiRole {
  const known = API_ROLES.find((r) => r === role);
  if (!known) throw new Error(`api_key row with unknown role ${JSON.stringify(role)}`);
  return known;
}

function apiKeyView(r: ApiKeyRow) {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  };
}

/** Every change through the API: who, what, when, before and after (secrets masked). */
@Injectable()
export class AuditLog {
  constructor(private readonly entries: AuditLogRepository) {}

  async record(tx: EntityManager, by: Principal | undefined, action: string, entityType: string, entityId: string, before: unknown, after: unknown, requestId: string | null): Promise<void> {
    await this.recordMany(tx, by, action, entityType, [{ id: entityId, before, after }], requestId);
  }

  /** Entries of one action (many at once for an import), in the caller's transaction. */
  async recordMany(tx: EntityManager, by: Principal | undefined, action: string, entityType: string, entries: { id: string; before: unknown; after: unknown }[], requestId: string | null): Promise<void> {
    await this.entries.insertMany(
      tx,
      { actor: actorOf(by), action, entityType, requestId },
      entries.map((e) => ({ entityId: e.id, before: redact(e.before) ?? null, after: redact(e.after) ?? null })),
    );
  }

  async page(q: { entityType?: string | undefined; entityId?: string | undefined; cursor?: string | undefined; limit: number }) {
    const rows = await this.entries.page({ entityType: q.entityType, entityId: q.entityId, beforeId: numericCursor(q.cursor), limit: q.limit + 1 });
    const entries = rows.slice(0, q.limit).map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      before: r.before,
      after: r.after,
      requestId: r.requestId,
    }));
    return { entries, nextCursor: rows.length > q.limit ? entries[entries.length - 1]!.id : null };
  }
}

/** A cursor of the audit log or a phone's history: the id of the last entry seen. */
export function numericCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  if (!/^\d{1,18}$/.test(cursor)) throw new ConfigurationError('invalid-request', 'cursor is not one this API handed out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  return cursor;
}
