/**
 * Configuration's integration events go through the shared outbox (`@workpoint/database`), in
 * its own `configuration.outbox` table. The old names stay for the callers in this lib.
 */
export { Outbox as ConfigurationOutbox, OutboxEntity, type OutboxRow } from '@workpoint/database';
