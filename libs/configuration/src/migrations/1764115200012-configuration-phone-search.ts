import type { MigrationInterface, QueryRunner } from 'typeorm';

interface TrigramSupport {
  /** The schema pg_trgm is installed in, or null while it is not installed. */
  installedIn: string | null;
  /** Whether this role may install it: the server ships it, and it is trusted (or we are superuser) and we may create in this database. */
  installable: boolean;
}

/**
 * A trigram index for the phone list's substring search, when the database has `pg_trgm`
 * (a trusted extension: a role with CREATE on the database may install it). Without it the
 * search still works, by a scan; the index is only an accelerator, so its absence must not
 * stop the service. That is the one condition under which this migration builds nothing: the
 * server does not ship pg_trgm, or this role may not install it. Any other failure (the
 * database goes away, the index cannot be built) fails the migration, and the next start
 * runs it again.
 */
export class ConfigurationPhoneSearch1764115200012 implements MigrationInterface {
  name = 'ConfigurationPhoneSearch1764115200012';

  async up(q: QueryRunner): Promise<void> {
    const [support] = (await q.query(
      `SELECT (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm') AS "installedIn",
              EXISTS (SELECT 1 FROM pg_available_extension_versions v JOIN pg_available_extensions a ON a.name = v.name AND a.default_version = v.version
                       WHERE v.name = 'pg_trgm' AND (v.trusted OR NOT v.superuser OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)))
                AND has_database_privilege(current_database(), 'CREATE') AS "installable"`,
    )) as TrigramSupport[];
    let schema = support!.installedIn;
    if (schema === null) {
      if (!support!.installable) return;
      await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      [{ schema }] = (await q.query(`SELECT extnamespace::regnamespace::text AS "schema" FROM pg_extension WHERE extname = 'pg_trgm'`)) as { schema: string }[];
    }
    await q.query(
      `CREATE INDEX "managed_phone_search" ON "configuration"."managed_phone" USING gin ((replace(mac, ':', '') || ' ' || coalesce(e164, '') || ' ' || coalesce(reported_e164, '')) ${schema}.gin_trgm_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS "configuration"."managed_phone_search"');
  }
}
