import 'reflect-metadata';
import { ConfigurationModule, CONFIGURATION_SCHEMA } from '@workpoint/configuration';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

runServiceProcess({ stage: 'configuration', schema: CONFIGURATION_SCHEMA, module: (deps) => ConfigurationModule.register(deps) }).catch(exitOnBootFailure('configuration'));
