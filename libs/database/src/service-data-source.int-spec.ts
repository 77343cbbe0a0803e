import { randomBytes } from 'node:crypto';
import { infraFromEnv } from '@workpoint/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openServiceDataSource } from './service-data-source';

// A service whose role is confined to a schema a DBA made for it: USAGE and CREATE on that
// schema, no CREATE on the database (so it cannot create schemas). It must start all the same.

const admin = infraFromEnv().databaseUrl;
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const schema = `limited_${letters(8)}`;
const role = `limited_${letters(8)}`;
const password = randomBytes(12).toString('hex');

class LimitedTable1764115200999 implements MigrationInterface {
  name = 'LimitedTable1764115200999';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${schema}"."thing" ("id" integer NOT NULL PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schema}"."thing"`);
  }
}

let dba: DataSource;
let service: DataSource | undefined;
beforeAll(async () => {
  dba = await new DataSource({ type: 'postgres', url: admin, extra: { max: 1 } }).initialize();
  await dba.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
  await dba.query(`CREATE SCHEMA "${schema}"`);
  await dba.query(`GRANT USAGE, CREATE ON SCHEMA "${schema}" TO "${role}"`);
});
afterAll(async () => {
  if (service?.isInitialized) await service.destroy();
  await dba.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await dba.query(`DROP OWNED BY "${role}"`);
  await dba.query(`DROP ROLE IF EXISTS "${role}"`);
  await dba.destroy();
});

it('starts with a role that has USAGE and CREATE on its existing schema but no CREATE on the database, and migrates it (on a pool of one)', async () => {
  const rows = (await dba.query(`SELECT has_database_privilege($1, current_database(), 'CREATE') AS can`, [role])) as Array<{ can: boolean }>;
  expect(rows[0]!.can).toBe(false);

  const url = new URL(admin);
  url.username = role;
  url.password = password;
  service = await openServiceDataSource(url.toString(), { schema, entities: [], migrations: [LimitedTable1764115200999] }, 1, 'limited-role-int');

  expect(await service.query(`SELECT name FROM "${schema}"."migrations"`)).toEqual([{ name: 'LimitedTable1764115200999' }]);
  expect(await service.query(`SELECT count(*)::int AS n FROM "${schema}"."thing"`)).toEqual([{ n: 0 }]);
});
