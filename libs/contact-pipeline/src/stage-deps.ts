import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { DataSource } from 'typeorm';

/** What the process gives every pipeline stage: its bus, data source and logger. */
export interface StageDeps {
  bus: Bus;
  dataSource: DataSource;
  logger: Logger;
}
