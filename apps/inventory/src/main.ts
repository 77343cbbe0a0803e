import 'reflect-metadata';
import { ContactMeEnvSchema, loadConfig, StorageEnvSchema } from '@workpoint/config';
import { contactMeSettingsFrom, INVENTORY_SCHEMA, InventoryModule } from '@workpoint/inventory';
import { exitOnBootFailure, runServiceProcess } from '@workpoint/runtime';

function main(): Promise<void> {
  const contactMe = contactMeSettingsFrom(loadConfig(ContactMeEnvSchema));
  const storage = loadConfig(StorageEnvSchema);
  return runServiceProcess({ stage: 'inventory', schema: INVENTORY_SCHEMA, module: () => InventoryModule.forRoot({ contactMe, storage }) });
}

main().catch(exitOnBootFailure('inventory'));
