import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Completed deployment jobs found by age, for the retention job. */
export class DeploymentJobRetention1764115200032 implements MigrationInterface {
  name = 'DeploymentJobRetention1764115200032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "deployment_job_completed_at" ON "deployment"."deployment_job" ("completed_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deployment"."deployment_job_completed_at"`);
  }
}
