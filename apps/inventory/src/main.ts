import 'reflect-metadata';
import { InventoryModule, INVENTORY_SCHEMA } from '@workpoint/inventory';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

runServiceProcess({ stage: 'inventory', schema: INVENTORY_SCHEMA, module: (deps) => InventoryModule.register(deps) }).catch(exitOnBootFailure('inventory'));
