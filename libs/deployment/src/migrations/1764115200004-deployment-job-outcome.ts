import { jobOutcomeSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outcomes of deployment jobs, as the phone answered them. */
export class DeploymentJobOutcome1764115200004 implements MigrationInterface {
  name = 'DeploymentJobOutcome1764115200004';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobOutcomeSql('deployment', 'deployment_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "deployment"."deployment_job" DROP "sent_in_interaction", DROP "outcome", DROP "item_results", DROP "completed_at", DROP "busy_count", DROP "last_busy_contact"`,
    );
  }
}
