import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Parts of fragmented phone replies, until the final part arrives. */
export class InventoryReplyFragments1764115200005 implements MigrationInterface {
  name = 'InventoryReplyFragments1764115200005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inventory"."reply_fragment" (
      "id" BIGSERIAL NOT NULL,
      "mac" character varying(17) NOT NULL,
      "interaction_id" uuid NOT NULL,
      "action" character varying(32) NOT NULL,
      "contact_id" uuid NOT NULL,
      "items" jsonb NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_5528edc77d67fe7a78070556cf2" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "reply_fragment_contact_id" ON "inventory"."reply_fragment" ("contact_id")`);
    await q.query(`CREATE INDEX "reply_fragment_interaction" ON "inventory"."reply_fragment" ("mac", "interaction_id", "action")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inventory"."reply_fragment"`);
  }
}
