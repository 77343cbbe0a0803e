import 'reflect-metadata';
import { ConfigurationEnvSchema, loadConfig } from '@workpoint/config';
import { ConfigurationModule, CONFIGURATION_SCHEMA } from '@workpoint/configuration';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

const env = loadConfig(ConfigurationEnvSchema);
runServiceProcess({
  stage: 'configuration',
  schema: CONFIGURATION_SCHEMA,
  module: (deps) =>
    ConfigurationModule.register(deps, {
      secretKey: env.CONFIG_SECRET_KEY,
      api: { host: env.API_HOST, port: env.API_PORT, adminKey: env.API_ADMIN_KEY, maxBodyBytes: env.API_MAX_BODY_BYTES },
    }),
}).catch(exitOnBootFailure('configuration'));
