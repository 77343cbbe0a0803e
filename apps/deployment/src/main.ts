import 'reflect-metadata';
import { loadConfig, StorageEnvSchema } from '@workpoint/config';
import { DeploymentModule, DEPLOYMENT_SCHEMA } from '@workpoint/deployment';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

function main(): Promise<void> {
  const storage = loadConfig(StorageEnvSchema);
  return runServiceProcess({ stage: 'deployment', schema: DEPLOYMENT_SCHEMA, module: (deps) => DeploymentModule.register(deps, storage) });
}

main().catch(exitOnBootFailure('deployment'));
