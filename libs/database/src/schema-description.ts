import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, initialiseServiceDataSource, type ServiceDataSourceOptions } from './service-data-source';

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: string;
}
interface NamedDefinitionRow {
  table: string;
  name: string;
  definition: string;
}
interface SequenceRow {
  name: string;
  type: string;
  ownedBy: string | null;
}

/**
 * What PostgreSQL holds in one schema, one line per fact, in a stable order: tables with their
 * columns (in column order: type, nullability, default, identity), constraints, indexes and
 * sequences, plus the extensions installed there. The same facts `pg_dump --schema-only` would
 * print for the schema's tables, read from the catalog so no client binary of the server's
 * version is needed. Used to prove that two ways of building a schema agree.
 */
export async function describeSchema(dataSource: DataSource, schema: string): Promise<string[]> {
  const columns = (await dataSource.query(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
            a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "default", a.attidentity AS "identity"
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`,
    [schema],
  )) as ColumnRow[];
  const constraints = (await dataSource.query(
    `SELECT c.relname AS "table", k.conname AS "name", pg_get_constraintdef(k.oid) AS "definition"
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1
      ORDER BY c.relname, k.conname`,
    [schema],
  )) as NamedDefinitionRow[];
  const indexes = (await dataSource.query(
    `SELECT tablename AS "table", indexname AS "name", indexdef AS "definition"
       FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname`,
    [schema],
  )) as NamedDefinitionRow[];
  const sequences = (await dataSource.query(
    `SELECT s.relname AS "name", format_type(q.seqtypid, NULL) AS "type",
            (SELECT t.relname || '.' || a.attname
               FROM pg_depend dep
               JOIN pg_class t ON t.oid = dep.refobjid
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = dep.refobjsubid
              WHERE dep.objid = s.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')) AS "ownedBy"
       FROM pg_class s
       JOIN pg_namespace n ON n.oid = s.relnamespace
       JOIN pg_sequence q ON q.seqrelid = s.oid
      WHERE n.nspname = $1 AND s.relkind = 'S'
      ORDER BY s.relname`,
    [schema],
  )) as SequenceRow[];
  const extensions = (await dataSource.query(
    `SELECT e.extname AS "name" FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1 ORDER BY e.extname`,
    [schema],
  )) as { name: string }[];
  return [
    ...columns.map(
      (c) =>
        `column ${c.table}.${c.column} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default === null ? '' : ` DEFAULT ${c.default}`}${c.identity ? ` IDENTITY(${c.identity})` : ''}`,
    ),
    ...constraints.map((k) => `constraint ${k.table}.${k.name} ${k.definition}`),
    ...indexes.map((i) => `index ${i.table}.${i.name} ${i.definition}`),
    ...sequences.map((s) => `sequence ${s.name} ${s.type}${s.ownedBy ? ` OWNED BY ${s.ownedBy}` : ''}`),
    ...extensions.map((e) => `extension ${e.name}`),
  ];
}

/**
 * Runs `work` against a new, empty database on the server at `url` (its URL is passed in), then
 * drops that database: for tests that must see what migrations build from nothing, apart from
 * the tables other tests share. The role in `url` needs the CREATEDB privilege.
 */
export async function withScratchDatabase<T>(url: string, work: (scratchUrl: string) => Promise<T>): Promise<T> {
  const name = `workpoint_scratch_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    try {
      const scratch = new URL(url);
      scratch.pathname = `/${name}`;
      return await work(scratch.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/**
 * Runs `work` on a DataSource of a new, empty scratch database in which `owned`'s migrations
 * have run, as a service's start runs them; then closes it and drops the database.
 */
export async function withMigratedScratchDatabase<T>(
  url: string,
  owned: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  return withScratchDatabase(url, async (scratchUrl) => {
    const dataSource = createServiceDataSource({ url: scratchUrl, ...owned, poolSize: 2, applicationName: 'workpoint-scratch' });
    try {
      await initialiseServiceDataSource(dataSource);
      return await work(dataSource);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  });
}

/** The schema that `migrations` build in an empty database, as `describeSchema` prints it. */
export async function describeMigratedSchema(url: string, owned: Pick<ServiceDataSourceOptions, 'schema' | 'migrations'>): Promise<string[]> {
  return withMigratedScratchDatabase(url, { ...owned, entities: [] }, (dataSource) => describeSchema(dataSource, owned.schema));
}
