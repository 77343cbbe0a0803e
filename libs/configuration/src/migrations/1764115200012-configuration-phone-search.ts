import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The text the phone list searches in (`q`): the MAC without separators and both numbers. */
export const PHONE_SEARCH_TEXT = `(replace(mac, ':', '') || ' ' || coalesce(e164, '') || ' ' || coalesce(reported_e164, ''))`;

/**
 * A trigram index for the phone list's substring search, when the database has `pg_trgm`
 * (a trusted extension: the database owner may create it). Without it the search still works,
 * by a scan; the index is only an accelerator, so its absence must not stop the service.
 */
export class ConfigurationPhoneSearch1764115200012 implements MigrationInterface {
  name = 'ConfigurationPhoneSearch1764115200012';

  async up(q: QueryRunner): Promise<void> {
    await q.query('SAVEPOINT phone_search');
    try {
      await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      const [ext] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'`)) as { schema: string }[];
      await q.query(`CREATE INDEX "managed_phone_search" ON "configuration"."managed_phone" USING gin (${PHONE_SEARCH_TEXT} ${ext!.schema}.gin_trgm_ops)`);
      await q.query('RELEASE SAVEPOINT phone_search');
    } catch {
      await q.query('ROLLBACK TO SAVEPOINT phone_search');
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS "configuration"."managed_phone_search"');
  }
}
