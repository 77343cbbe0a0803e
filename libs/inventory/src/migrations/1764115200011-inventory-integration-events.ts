import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What inventory needs to publish its integration events once per cause: the contact that
 * registered each phone, and whether the events of a registration and of a report went out.
 */
export class InventoryIntegrationEvents1764115200011 implements MigrationInterface {
  name = 'InventoryIntegrationEvents1764115200011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."phone" ADD "registered_contact_id" uuid`);
    await q.query(`ALTER TABLE "inventory"."phone" ADD "registration_published_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "inventory"."phone_report" ADD "published_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."phone_report" DROP COLUMN "published_at"`);
    await q.query(`ALTER TABLE "inventory"."phone" DROP COLUMN "registration_published_at"`);
    await q.query(`ALTER TABLE "inventory"."phone" DROP COLUMN "registered_contact_id"`);
  }
}
