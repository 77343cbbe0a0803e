import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The interactions in which inventory asked a phone for all its items. */
export class InventoryReadRequested1764115200009 implements MigrationInterface {
  name = 'InventoryReadRequested1764115200009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inventory"."read_request" (
      "mac" character varying(17) NOT NULL,
      "interaction_id" uuid NOT NULL,
      "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_read_request" PRIMARY KEY ("mac", "interaction_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inventory"."read_request"`);
  }
}
