import 'reflect-metadata';
import { ConfigurationEnvSchema, loadConfig, ServiceEnvSchema, StorageEnvSchema } from '@workpoint/config';
import { ConfigurationModule, CONFIGURATION_SCHEMA } from '@workpoint/configuration';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

async function main(): Promise<void> {
  // Validated together, so a bad environment is reported in full at once.
  const env = loadConfig(ServiceEnvSchema.extend(ConfigurationEnvSchema.shape).extend(StorageEnvSchema.shape));
  await runServiceProcess({
    stage: 'configuration',
    schema: CONFIGURATION_SCHEMA,
    deadLetters: { secretKey: env.CONFIG_SECRET_KEY },
    module: () =>
      ConfigurationModule.forRoot({
        secretKey: env.CONFIG_SECRET_KEY,
        api: {
          host: env.API_HOST,
          port: env.API_PORT,
          adminKey: env.API_ADMIN_KEY,
          maxBodyBytes: env.API_MAX_BODY_BYTES,
          authFailuresPerMinute: env.API_AUTH_FAILURES_PER_MINUTE,
          authTrackedSources: env.API_AUTH_TRACKED_SOURCES,
        },
        storage: env,
      }),
  });
}

main().catch(exitOnBootFailure('configuration'));
