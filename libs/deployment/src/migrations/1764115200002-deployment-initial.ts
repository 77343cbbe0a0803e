import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The queue of deployment jobs per phone. */
export class DeploymentInitial1764115200002 implements MigrationInterface {
  name = 'DeploymentInitial1764115200002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "deployment"."deployment_job" (
      "id" BIGSERIAL NOT NULL,
      "mac" character varying(17) NOT NULL,
      "action" character varying(32) NOT NULL,
      "items" jsonb NOT NULL,
      "state" character varying(16) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "sent_at" TIMESTAMP WITH TIME ZONE,
      "sent_in_contact" uuid,
      CONSTRAINT "PK_deployment_job" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "deployment_job_mac_state" ON "deployment"."deployment_job" ("mac", "state")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "deployment"."deployment_job"`);
  }
}
