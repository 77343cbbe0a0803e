import { jobPartsSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Command ids of deployment jobs, and jobs sent in several parts. */
export class DeploymentJobParts1764115200007 implements MigrationInterface {
  name = 'DeploymentJobParts1764115200007';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobPartsSql('deployment', 'deployment_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deployment"."deployment_job_request_id"`);
    await q.query(`ALTER TABLE "deployment"."deployment_job" DROP "request_id", DROP "items_done", DROP "part_size"`);
  }
}
