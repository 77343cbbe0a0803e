import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contact-me requests live in PostgreSQL, so deferred requests and retries survive a restart. Frozen literal SQL. */
export class InventoryContactMeRequest1764115200036 implements MigrationInterface {
  name = 'InventoryContactMeRequest1764115200036';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inventory"."contact_me_request" (
      "mac" character varying(17) NOT NULL,
      "target" character varying(300) NOT NULL,
      "source" character varying(64) NOT NULL,
      "due_at" TIMESTAMP WITH TIME ZONE,
      "deferred" boolean NOT NULL,
      "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "attempts_made" integer NOT NULL,
      "last_started_at" TIMESTAMP WITH TIME ZONE,
      "last_outcome" character varying(16),
      "last_detail" character varying(300),
      CONSTRAINT "PK_contact_me_request" PRIMARY KEY ("mac"))`);
    await q.query(`CREATE INDEX "contact_me_request_due_at" ON "inventory"."contact_me_request" ("due_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inventory"."contact_me_request"`);
  }
}
