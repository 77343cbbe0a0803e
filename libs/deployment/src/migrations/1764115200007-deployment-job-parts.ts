import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Command ids of deployment jobs, and jobs sent in several parts. */
export class DeploymentJobParts1764115200007 implements MigrationInterface {
  name = 'DeploymentJobParts1764115200007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deployment"."deployment_job"
       ADD "request_id" uuid,
       ADD "items_done" integer NOT NULL DEFAULT 0,
       ADD "part_size" integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE UNIQUE INDEX "deployment_job_request_id" ON "deployment"."deployment_job" ("request_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deployment"."deployment_job_request_id"`);
    await q.query(`ALTER TABLE "deployment"."deployment_job" DROP "request_id", DROP "items_done", DROP "part_size"`);
  }
}
