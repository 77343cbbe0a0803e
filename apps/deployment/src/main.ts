import 'reflect-metadata';
import { DeploymentModule, DEPLOYMENT_SCHEMA } from '@workpoint/deployment';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

runServiceProcess({ stage: 'deployment', schema: DEPLOYMENT_SCHEMA, module: (deps) => DeploymentModule.register(deps) }).catch(exitOnBootFailure('deployment'));
