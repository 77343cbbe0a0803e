import { jobTableSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The queue of deployment jobs per phone. */
export class DeploymentInitial1764115200002 implements MigrationInterface {
  name = 'DeploymentInitial1764115200002';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobTableSql('deployment', 'deployment_job', 'PK_deployment_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "deployment"."deployment_job"`);
  }
}
