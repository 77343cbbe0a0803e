import { generateApiKey, parseApiKey, type ApiRole, type Principal, verifyApiKeySecret, hashApiKeySecret } from '@workpoint/http-api';
import { Logger, redact } from '@workpoint/logging';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConfigurationError } from './configuration.error';

type Db = DataSource | EntityManager;

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
    private readonly logger: Logger,
  ) {}

  async authenticate(presented: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const cached = this.cache.get(parsed.id);
    if (cached && cached.until > Date.now()) return verifyApiKeySecret(parsed.secret, cached.hash) ? cached.principal : undefined;
    const [row] = (await this.db.query('SELECT id, name, role, secret_hash, revoked_at FROM api_key WHERE id = $1', [parsed.id])) as {
      id: string;
      name: string;
      role: ApiRole;
      secret_hash: string;
      revoked_at: Date | null;
    }[];
    if (!row) return undefined;
    const principal = row.revoked_at ? undefined : { keyId: row.id, name: row.name, role: row.role };
    this.cache.set(row.id, { principal, hash: row.secret_hash, until: Date.now() + ApiKeys.CACHE_MS });
    return verifyApiKeySecret(parsed.secret, row.secret_hash) ? principal : undefined;
  }

  /**
   * The key an operator configured for bootstrapping (`API_ADMIN_KEY`): stored (hashed) as an
   * admin key the first time. Revoking it through the API sticks across restarts; to bring a
   * bootstrap key back, configure a new one.
   */
  async ensureBootstrapKey(key: string): Promise<void> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new Error('API_ADMIN_KEY must look like wpk_<12 hex>_<secret>; create one with `workpoint api-key`');
    await this.db.query(
      `INSERT INTO api_key (id, name, role, secret_hash, created_at, created_by) VALUES ($1, 'bootstrap admin', 'admin', $2, now(), 'configuration')
       ON CONFLICT (id) DO NOTHING`,
      [parsed.id, hashApiKeySecret(parsed.secret)],
    );
    this.logger.info('bootstrap admin API key in place', { keyId: parsed.id });
  }

  async create(name: string, role: ApiRole, by: Principal, audit: AuditLog, requestId: string) {
    const key = generateApiKey();
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query(
        'INSERT INTO api_key (id, name, role, secret_hash, created_at, created_by) VALUES ($1, $2, $3, $4, now(), $5) RETURNING *',
        [key.id, name, role, key.hash, by.name],
      )) as Record<string, unknown>[];
      const view = apiKeyView(row!);
      await audit.record(tx, by, 'api-key.create', 'api-key', key.id, null, view, requestId);
      return { ...view, key: key.key };
    });
  }

  async list() {
    return ((await this.db.query('SELECT * FROM api_key ORDER BY created_at')) as Record<string, unknown>[]).map(apiKeyView);
  }

  async revoke(id: string, by: Principal, audit: AuditLog, requestId: string) {
    const revoked = await this.db.transaction(async (tx) => {
      const [before] = (await tx.query('SELECT * FROM api_key WHERE id = $1 FOR UPDATE', [id])) as Record<string, unknown>[];
      if (!before) return undefined;
      const [[after]] = (await tx.query('UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *', [id])) as [Record<string, unknown>[], number];
      await audit.record(tx, by, 'api-key.revoke', 'api-key', id, apiKeyView(before), apiKeyView(after!), requestId);
      return apiKeyView(after!);
    });
    // Only once committed: dropped earlier, a request in between reads the row as it was
    // (not yet revoked) and caches the key as valid again.
    this.cache.delete(id);
    return revoked;
  }
}

function apiKeyView(r: Record<string, unknown>) {
  return {
    id: r['id'] as string,
    name: r['name'] as string,
    role: r['role'] as string,
    createdAt: (r['created_at'] as Date).toISOString(),
    createdBy: r['created_by'] as string,
    revokedAt: r['revoked_at'] ? (r['revoked_at'] as Date).toISOString() : null,
  };
}

/** Every change through the API: who, what, when, before and after (secrets masked). */
@Injectable()
export class AuditLog {
  constructor(private readonly db: DataSource) {}

  async record(db: Db, by: Principal | undefined, action: string, entityType: string, entityId: string, before: unknown, after: unknown, requestId: string | null): Promise<void> {
    await this.recordMany(db, by, action, entityType, [{ id: entityId, before, after }], requestId);
  }

  /** Entries of one action (many at once for an import). */
  async recordMany(db: Db, by: Principal | undefined, action: string, entityType: string, entries: { id: string; before: unknown; after: unknown }[], requestId: string | null): Promise<void> {
    if (entries.length === 0) return;
    await db.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, request_id)
       SELECT now(), $1, $2, $3, e.id, e.before, e.after, $4 FROM jsonb_to_recordset($5::jsonb) AS e(id text, before jsonb, after jsonb)`,
      [actorOf(by), action, entityType, requestId, JSON.stringify(entries.map((e) => ({ id: e.id, before: redact(e.before) ?? null, after: redact(e.after) ?? null })))],
    );
  }

  async page(q: { entityType?: string | undefined; entityId?: string | undefined; cursor?: string | undefined; limit: number }) {
    const rows = (await this.db.query(
      `SELECT * FROM audit_log WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2) AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY id DESC LIMIT $4`,
      [q.entityType ?? null, q.entityId ?? null, numericCursor(q.cursor), q.limit + 1],
    )) as Record<string, unknown>[];
    const entries = rows.slice(0, q.limit).map((r) => ({
      id: String(r['id']),
      at: (r['at'] as Date).toISOString(),
      actor: r['actor'] as string,
      action: r['action'] as string,
      entityType: r['entity_type'] as string,
      entityId: r['entity_id'] as string,
      before: r['before'],
      after: r['after'],
      requestId: (r['request_id'] as string | null) ?? null,
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
