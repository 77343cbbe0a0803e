import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The queue of configuration jobs per phone. */
export class ConfigurationInitial1764115200001 implements MigrationInterface {
  name = 'ConfigurationInitial1764115200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "configuration"."configuration_job" (
      "id" BIGSERIAL NOT NULL,
      "mac" character varying(17) NOT NULL,
      "action" character varying(32) NOT NULL,
      "items" jsonb NOT NULL,
      "state" character varying(16) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "sent_at" TIMESTAMP WITH TIME ZONE,
      "sent_in_contact" uuid,
      CONSTRAINT "PK_configuration_job" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "configuration_job_mac_state" ON "configuration"."configuration_job" ("mac", "state")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."configuration_job"`);
  }
}
