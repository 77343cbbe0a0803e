import { randomBytes } from 'node:crypto';
import { createServiceDataSource, withScratchDatabase } from '@workpoint/database';
import { infraFromEnv } from '@workpoint/testing';
import { Client } from 'pg';
import { CONFIGURATION_SCHEMA } from '../configuration.schema';

/**
 * The phone-search migration builds its trigram index with pg_trgm wherever the extension is,
 * and builds nothing (without failing) only when this role may not install it.
 */
async function asAdmin<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/**
 * Runs configuration's migrations at `url` (its schema made beforehand: a role without CREATE
 * on the database cannot run `CREATE SCHEMA IF NOT EXISTS`, even for a schema it owns) and returns the search index's definition, if any, and whether the migration was recorded. */
async function migrate(url: string): Promise<{ index: string | undefined; recorded: boolean }> {
  const dataSource = createServiceDataSource({ url, ...CONFIGURATION_SCHEMA, poolSize: 2, applicationName: 'phone-search-int' });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const [index] = (await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'configuration' AND indexname = 'managed_phone_search'`)) as { indexdef: string }[];
    const recorded = (await dataSource.query(`SELECT 1 FROM "configuration"."migrations" WHERE name = 'ConfigurationPhoneSearch1764115200012'`)) as unknown[];
    return { index: index?.indexdef, recorded: recorded.length === 1 };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

describe('configuration phone-search migration', () => {
  it('uses pg_trgm in the schema where it is already installed', async () => {
    await withScratchDatabase(infraFromEnv().databaseUrl, async (url) => {
      await asAdmin(url, async (db) => {
        await db.query('CREATE SCHEMA configuration');
        await db.query('CREATE SCHEMA extensions');
        await db.query('CREATE EXTENSION pg_trgm SCHEMA extensions');
      });
      const { index, recorded } = await migrate(url);
      expect(index).toContain('extensions.gin_trgm_ops');
      expect(recorded).toBe(true);
    });
  });

  it('builds no index, and still completes, when the role may not install pg_trgm', async () => {
    const role = `wp_no_create_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(16).toString('hex');
    const admin = infraFromEnv().databaseUrl;
    try {
      await withScratchDatabase(admin, async (url) => {
        await asAdmin(url, async (db) => {
          await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
          // The role owns its schema but may not create in the database (PUBLIC never may by default).
          await db.query(`CREATE SCHEMA configuration AUTHORIZATION ${role}`);
        });
        const asRole = new URL(url);
        asRole.username = role;
        asRole.password = password;
        const { index, recorded } = await migrate(asRole.toString());
        expect(index).toBeUndefined();
        expect(recorded).toBe(true);
      });
    } finally {
      await asAdmin(admin, (db) => db.query(`DROP ROLE IF EXISTS ${role}`));
    }
  });
});
