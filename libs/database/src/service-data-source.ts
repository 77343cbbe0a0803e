import { DataSource, type EntitySchema, MigrationExecutor, type MixedList } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  /** The service's own PostgreSQL schema: services never share tables. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize: number;
  applicationName: string;
}

/** One DataSource per service, confined to its schema, with its own migrations table. */
export function createServiceDataSource(o: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    applicationName: o.applicationName,
    // Raw SQL in repositories stays unqualified and still lands in the service's own schema.
    extra: { max: o.poolSize, connectionTimeoutMillis: 10000, idleTimeoutMillis: 30000, options: `-c search_path=${o.schema}` },
  });
}

/**
 * Creates the schema when it is missing and runs pending migrations under an advisory lock, so
 * several replicas of one service can start at once without racing each other. A schema made
 * beforehand by a DBA is only used: `CREATE SCHEMA IF NOT EXISTS` needs CREATE on the database
 * even when the schema exists, which a role confined to its own schema does not have.
 */
export async function initialiseServiceDataSource(dataSource: DataSource): Promise<void> {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema || !/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema name: ${String(schema)}`);
  if (!dataSource.isInitialized) await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`workpoint-migrations-${schema}`]);
    try {
      // pg_namespace rather than information_schema, which hides schemas the role has no privilege on.
      const existing = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as unknown[];
      if (existing.length === 0) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      // On the connection that holds the lock: dataSource.runMigrations would take a second one,
      // which a pool of one (DATABASE_POOL_SIZE=1) never has free, and the boot would hang.
      const migrations = new MigrationExecutor(dataSource, runner);
      migrations.transaction = 'each';
      await migrations.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`workpoint-migrations-${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

/** SQL the entities need beyond the migrations: empty when they agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

/** Creates a service's DataSource and brings its schema up to date. */
export async function openServiceDataSource(
  url: string,
  owned: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>,
  poolSize: number,
  applicationName: string,
): Promise<DataSource> {
  const dataSource = createServiceDataSource({ url, ...owned, poolSize, applicationName });
  await initialiseServiceDataSource(dataSource);
  return dataSource;
}
