import 'reflect-metadata';
import { DeploymentEnvSchema, loadConfig, ServiceEnvSchema, StorageEnvSchema } from '@workpoint/config';
import { DeploymentModule, DEPLOYMENT_SCHEMA } from '@workpoint/deployment';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

async function main(): Promise<void> {
  // Validated together, so a bad environment is reported in full at once.
  const env = loadConfig(ServiceEnvSchema.extend(DeploymentEnvSchema.shape).extend(StorageEnvSchema.shape));
  await runServiceProcess({
    stage: 'deployment',
    schema: DEPLOYMENT_SCHEMA,
    deadLetters: { secretKey: env.CONFIG_SECRET_KEY },
    module: () => DeploymentModule.forRoot({ secretKey: env.CONFIG_SECRET_KEY, storage: env }),
  });
}

main().catch(exitOnBootFailure('deployment'));
