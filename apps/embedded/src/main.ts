import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { ContactMeEnvSchema, DeadLetterEnvSchema, EmbeddedApiEnvSchema, EmbeddedEnvSchema, ensurePrivateDir, loadConfig, readKeyFile, StorageEnvSchema, TracingEnvSchema } from '@workpoint/config';
import { CONFIGURATION_SCHEMA, ConfigurationModule } from '@workpoint/configuration';
import { embeddedPostgresLayout, openServiceDataSource, startEmbeddedPostgres } from '@workpoint/database';
import { DEPLOYMENT_SCHEMA, DeploymentModule } from '@workpoint/deployment';
import { drainAndCloseGateway, gatewaySettingsFrom, startGatewayApp } from '@workpoint/gateway';
import { contactMeSettingsFrom, INVENTORY_SCHEMA, InventoryModule } from '@workpoint/inventory';
import { createLogger, NestLoggerAdapter } from '@workpoint/logging';
import { InProcessBus } from '@workpoint/messaging';
import { tracingSettingsFrom } from '@workpoint/tracing';
import {
  createProcessMetrics,
  DEFAULT_HEALTH_SETTINGS,
  deadLetterRetentionFrom,
  deliveryPolicyFrom,
  exitOnBootFailure,
  onShutdownSignal,
  ProcessLifecycle,
  startHealthApp,
  startStageApp,
  watchConsumerLag,
} from '@workpoint/runtime';
import type { DataSource } from 'typeorm';
import { ensureAdminApiKey, ensureConfigSecretKey, ensureSelfSignedCertificate, ensureSessionSecret } from './local-secrets';

function stages(dataDir: string) {
  const api = loadConfig(EmbeddedApiEnvSchema);
  const adminKey = api.API_ADMIN_KEY ?? ensureAdminApiKey(dataDir);
  const storage = loadConfig(StorageEnvSchema);
  const secretKey = api.CONFIG_SECRET_KEY ?? ensureConfigSecretKey(dataDir);
  const retention = deadLetterRetentionFrom(loadConfig(DeadLetterEnvSchema));
  const configuration = {
    secretKey,
    api: { host: api.API_HOST, port: api.API_PORT, adminKey, maxBodyBytes: api.API_MAX_BODY_BYTES, authFailuresPerMinute: api.API_AUTH_FAILURES_PER_MINUTE, authTrackedSources: api.API_AUTH_TRACKED_SOURCES },
    storage,
  };
  return [
    // Inventory has no CONFIG_SECRET_KEY of its own: its dead letters are kept masked, as in the distributed mode.
    { stage: 'inventory', schema: INVENTORY_SCHEMA, deadLetters: { retention }, module: () => InventoryModule.forRoot({ contactMe: contactMeSettingsFrom(loadConfig(ContactMeEnvSchema)), storage }) },
    { stage: 'configuration', schema: CONFIGURATION_SCHEMA, deadLetters: { secretKey, retention }, module: () => ConfigurationModule.forRoot(configuration) },
    { stage: 'deployment', schema: DEPLOYMENT_SCHEMA, deadLetters: { secretKey, retention }, module: () => DeploymentModule.forRoot({ secretKey, storage }) },
  ] as const;
}

/**
 * The embedded default: the gateway and the three services in this one process on the
 * in-process bus, with an embedded PostgreSQL under the data directory. No Kafka, no Java.
 */
async function main(): Promise<void> {
  const env = loadConfig(EmbeddedEnvSchema);
  const dataDir = resolve(env.WORKPOINT_DATA_DIR);
  const logger = createLogger('workpoint', env.LOG_LEVEL, undefined, { maxLineBytes: env.LOG_MAX_LINE_BYTES });
  const warn = (msg: string, fields: Record<string, unknown>) => logger.warn(msg, fields);
  // As root the embedded PostgreSQL runs as the `postgres` OS user, which must pass through.
  ensurePrivateDir(dataDir, { keepOthersSearch: process.getuid?.() === 0 && !env.DATABASE_URL, warn });
  const tls =
    env.TLS_CERT_FILE && env.TLS_KEY_FILE
      ? { cert: readFileSync(env.TLS_CERT_FILE), key: readKeyFile(env.TLS_KEY_FILE, warn) }
      : await ensureSelfSignedCertificate(join(dataDir, 'tls'));

  const postgres = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        ...embeddedPostgresLayout(dataDir),
        ...(env.EMBEDDED_POSTGRES_PORT ? { port: env.EMBEDDED_POSTGRES_PORT } : {}),
        log: (line) => logger.debug('postgres', { line }),
      });
  const databaseUrl = env.DATABASE_URL ?? postgres!.url;

  // One process, one set of metrics: every stage's, told apart by their labels (stage, service, group).
  const metrics = createProcessMetrics(env);
  const bus = new InProcessBus(logger, deliveryPolicyFrom(env), metrics.delivery);
  watchConsumerLag(metrics, bus);
  // One SDK for the whole process (the apps share it); spans of every part under `workpoint-embedded`.
  const tracing = tracingSettingsFrom(loadConfig(TracingEnvSchema), 'embedded');
  const dataSources: DataSource[] = [];
  const apps: INestApplicationContext[] = [];
  for (const { stage, schema, module, deadLetters } of stages(dataDir)) {
    const dataSource = await openServiceDataSource(databaseUrl, schema, env.DATABASE_POOL_SIZE, `workpoint-${stage}`);
    dataSources.push(dataSource);
    apps.push(await startStageApp({ stage, deps: { bus, dataSource, logger: logger.child({ stage }) }, module, deadLetters, metrics, tracing }));
  }
  const lifecycle = new ProcessLifecycle();
  // The probes check the in-process bus and the (embedded) PostgreSQL through one of the stages' data sources.
  const probes = { ...DEFAULT_HEALTH_SETTINGS, checkTimeoutMs: env.READY_CHECK_TIMEOUT_MS };
  const gateway = await startGatewayApp(
    {
      bus,
      logger: logger.child({ stage: 'gateway' }),
      metrics,
      tracing,
      lifecycle,
      health: probes,
      dataSource: dataSources[0]!,
      settings: gatewaySettingsFrom(env, { gatewayId: 'embedded', ...tls, sessionSecret: ensureSessionSecret(dataDir) }),
    },
    new NestLoggerAdapter(logger),
  );
  const health = env.HEALTH_PORT ? await startHealthApp(env.HEALTH_PORT, { bus, logger, metrics, lifecycle, dataSource: dataSources[0]!, health: probes }, new NestLoggerAdapter(logger), env.HEALTH_HOST) : undefined;
  logger.info('workpoint ready (embedded)', { dataDir, database: postgres ? 'embedded' : 'external', adminKeyFile: join(dataDir, 'api-admin-key') });

  lifecycle.started();

  onShutdownSignal(
    logger,
    async () => {
      await drainAndCloseGateway(gateway, bus);
      for (const app of apps) await app.close();
      await bus.close();
      // Each stage app destroyed its own; these are the ones of apps that never started.
      for (const ds of dataSources) if (ds.isInitialized) await ds.destroy();
      await postgres?.stop();
      // Last: probes see "not ready" (draining) until the process is gone.
      await health?.close();
    },
    { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, lifecycle },
  );
}

main().catch(exitOnBootFailure('workpoint'));
