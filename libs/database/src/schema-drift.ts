import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EntitySchema, getMetadataArgsStorage } from 'typeorm';
import { pendingSchemaChanges, type ServiceDataSourceOptions } from './service-data-source';
import { withMigratedScratchDatabase } from './schema-description';

/** How the schema a service's migrations build differs from the entities the service registers. */
export interface SchemaDrift {
  /** The SQL TypeORM would run to make the schema fit the entities (tables, columns, types, nullability, defaults, keys, indexes): empty when they agree. */
  entityChanges: string[];
  /** Tables the migrations create that no entity describes, so nothing checks them. */
  tablesWithoutEntity: string[];
}

/**
 * Runs all of a service's migrations in an empty scratch database and compares the result with
 * the entities the service's DataSource registers: the same `{ schema, entities, migrations }`
 * object the service process opens its database with.
 */
export async function schemaDrift(url: string, owned: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>): Promise<SchemaDrift> {
  return withMigratedScratchDatabase(url, owned, async (dataSource) => {
    const tables = (await dataSource.query(`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [owned.schema])) as { name: string }[];
    const described = new Set([...dataSource.entityMetadatas.map((m) => m.tableName), 'migrations']);
    return { entityChanges: await pendingSchemaChanges(dataSource), tablesWithoutEntity: tables.map((t) => t.name).filter((t) => !described.has(t)) };
  });
}

/**
 * Where runtime code reads or writes through an entity with TypeORM: lines of non-test sources
 * under libs/ and apps/ that pass `entity` (an identifier) to a repository, query builder,
 * entity manager call or `TypeOrmModule.forFeature`, or type a `Repository<entity>`. A
 * source-text check, so the drift test can say which entities the runtime really uses
 * (`file:line` each) and notice when that changes.
 */
export function runtimeUsesOfEntity(repoRoot: string, entity: string): string[] {
  if (!/^[A-Za-z_$][\w$]*$/.test(entity)) throw new Error(`not an identifier: ${entity}`);
  const call = new RegExp(
    String.raw`(?:\b(?:getRepository|InjectRepository|createQueryBuilder|withRepository|forFeature)|\.(?:find\w*|save|insert|update|upsert|delete|remove|count\w*|exist\w*|increment|decrement|preload|create|merge|sum|average|minimum|maximum))\s*(?:<[^>]*>)?\s*\(\s*\[?[^;]*?\b${entity}\b|\bRepository<\s*${entity}\s*>`,
  );
  const uses: string[] = [];
  for (const file of runtimeSources(repoRoot)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (call.test(line)) uses.push(`${relative(repoRoot, file)}:${i + 1}`);
      });
  }
  return uses;
}

function runtimeSources(repoRoot: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'migrations', 'testing'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.ts') && !/\.(?:spec|int-spec|e2e-spec|d)\.ts$/.test(entry.name)) {
        files.push(path);
      }
    }
  };
  for (const top of ['libs', 'apps']) {
    for (const project of readdirSync(join(repoRoot, top), { withFileTypes: true })) {
      const src = join(repoRoot, top, project.name, 'src');
      if (project.isDirectory()) {
        try {
          walk(src);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // a project without src/
        }
      }
    }
  }
  return files;
}

/**
 * One entity a service registers, and whether its runtime code uses it yet: `usedBy` names the
 * source file (from the repository root) where runtime code reads or writes through it with
 * TypeORM; `notYetUsed` says what still touches its table with hand-written SQL instead.
 */
export type EntityUse = {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entity: Function | EntitySchema;
  /** The identifier runtime code would pass to TypeORM (`PhoneEntity`, `jobEntitySchema`). */
  name: string;
} & ({ usedBy: string } | { notYetUsed: string });

/**
 * Where a list of `EntityUse` is untrue: an entity the service registers but the list does not
 * classify (or the reverse), one marked used that no TypeORM call in that file passes, or one
 * marked not yet used that runtime code now uses. Empty when the list tells the truth.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function entityUseMismatches(repoRoot: string, registered: readonly (Function | EntitySchema | string)[], uses: readonly EntityUse[]): string[] {
  const mismatches: string[] = [];
  const classified = new Set(uses.map((u) => tableOf(u.entity)));
  const registeredTables = new Set(registered.map((e) => (typeof e === 'string' ? e : tableOf(e))));
  for (const table of registeredTables) if (!classified.has(table)) mismatches.push(`table ${table}: registered, but not in the list of entity uses`);
  for (const table of classified) if (!registeredTables.has(table)) mismatches.push(`table ${table}: in the list of entity uses, but the service does not register it`);
  for (const use of uses) {
    const found = runtimeUsesOfEntity(repoRoot, use.name);
    if ('usedBy' in use) {
      if (!found.some((f) => f.startsWith(`${use.usedBy}:`))) mismatches.push(`${use.name}: marked used by ${use.usedBy}, but no TypeORM call there passes it (found: ${found.join(', ') || 'none'})`);
    } else if (found.length > 0) {
      mismatches.push(`${use.name}: marked not yet used by runtime code, but ${found.join(', ')} use(s) it: replace notYetUsed with usedBy`);
    }
  }
  return mismatches;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function tableOf(entity: Function | EntitySchema): string {
  if (entity instanceof EntitySchema) return entity.options.tableName ?? entity.options.name;
  const table = getMetadataArgsStorage().tables.find((t) => t.target === entity);
  if (!table) throw new Error(`${entity.name} is not an @Entity class`);
  return table.name ?? entity.name;
}
