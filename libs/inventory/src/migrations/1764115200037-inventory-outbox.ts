import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inventory's integration events (contact-me attempts) through the shared outbox, in its own table. Frozen literal SQL. */
export class InventoryOutbox1764115200037 implements MigrationInterface {
  name = 'InventoryOutbox1764115200037';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "inventory"."outbox" ("id" BIGSERIAL NOT NULL, "topic" character varying(128) NOT NULL, "key" character varying(64) NOT NULL, "value" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_inventory_outbox" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_published_id" ON "inventory"."outbox" ("published_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inventory"."outbox"`);
  }
}
