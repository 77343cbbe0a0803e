import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The re-plan after a change lives in PostgreSQL, with its progress, so a restart resumes it. Frozen literal SQL. */
export class ConfigurationChangeFanout1764115200038 implements MigrationInterface {
  name = 'ConfigurationChangeFanout1764115200038';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "configuration"."change_fanout" (
      "id" BIGSERIAL NOT NULL,
      "scope" jsonb NOT NULL,
      "cause" character varying(300) NOT NULL,
      "cursor" character varying(17),
      "phones_done" integer NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "done_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_change_fanout" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "change_fanout_done_id" ON "configuration"."change_fanout" ("done_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."change_fanout"`);
  }
}
