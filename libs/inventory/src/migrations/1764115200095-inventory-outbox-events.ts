import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inventory's `phone.registered` and `changes-reported` events become rows of its outbox,
 * written with the change they describe: the outbox keeps their headers, and the columns of
 * the old "publish, then mark" bookkeeping go. Frozen literal SQL.
 */
export class InventoryOutboxEvents1764115200095 implements MigrationInterface {
  name = 'InventoryOutboxEvents1764115200095';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."outbox" ADD "headers" jsonb`);
    await q.query(`ALTER TABLE "inventory"."phone" DROP COLUMN "registration_published_at"`);
    await q.query(`ALTER TABLE "inventory"."phone" DROP COLUMN "registered_contact_id"`);
    await q.query(`ALTER TABLE "inventory"."phone_report" DROP COLUMN "published_at"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."phone_report" ADD "published_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "inventory"."phone" ADD "registered_contact_id" uuid`);
    await q.query(`ALTER TABLE "inventory"."phone" ADD "registration_published_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "inventory"."outbox" DROP COLUMN "headers"`);
  }
}
