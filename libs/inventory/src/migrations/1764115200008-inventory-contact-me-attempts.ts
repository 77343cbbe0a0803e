import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every attempt to ask a phone to call back, and its outcome. */
export class InventoryContactMeAttempts1764115200008 implements MigrationInterface {
  name = 'InventoryContactMeAttempts1764115200008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inventory"."contact_me_attempt" (
      "id" BIGSERIAL NOT NULL,
      "mac" character varying(17) NOT NULL,
      "target" character varying(300) NOT NULL,
      "attempt" integer NOT NULL,
      "outcome" character varying(16) NOT NULL,
      "http_status" integer,
      "detail" character varying(300),
      "final" boolean NOT NULL,
      "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_contact_me_attempt" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "contact_me_attempt_mac_at" ON "inventory"."contact_me_attempt" ("mac", "attempted_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inventory"."contact_me_attempt"`);
  }
}
