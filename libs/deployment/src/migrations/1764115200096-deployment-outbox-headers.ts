import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared outbox keeps each event's message headers (inventory's events carry correlation and causation ids; the column came to the shared entity with them). Frozen literal SQL. */
export class DeploymentOutboxHeaders1764115200096 implements MigrationInterface {
  name = 'DeploymentOutboxHeaders1764115200096';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deployment"."outbox" ADD "headers" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deployment"."outbox" DROP COLUMN "headers"`);
  }
}
