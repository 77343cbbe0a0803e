import { PhoneEntity } from './entities/phone.entity';
import { PhoneReportEntity } from './entities/phone-report.entity';
import { InventoryInitial1764115200000 } from './migrations/1764115200000-inventory-initial';

/** Everything the inventory service owns in PostgreSQL. */
export const INVENTORY_SCHEMA = {
  schema: 'inventory',
  entities: [PhoneEntity, PhoneReportEntity],
  migrations: [InventoryInitial1764115200000],
};
