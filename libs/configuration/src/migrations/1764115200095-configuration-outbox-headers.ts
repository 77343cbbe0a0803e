import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared outbox keeps each event's message headers (inventory's events carry correlation and causation ids). Frozen literal SQL. */
export class ConfigurationOutboxHeaders1764115200095 implements MigrationInterface {
  name = 'ConfigurationOutboxHeaders1764115200095';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "configuration"."outbox" ADD "headers" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "configuration"."outbox" DROP COLUMN "headers"`);
  }
}
