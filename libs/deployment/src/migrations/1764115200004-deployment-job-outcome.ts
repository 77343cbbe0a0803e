import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outcomes of deployment jobs, as the phone answered them. */
export class DeploymentJobOutcome1764115200004 implements MigrationInterface {
  name = 'DeploymentJobOutcome1764115200004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deployment"."deployment_job"
       ADD "sent_in_interaction" uuid,
       ADD "outcome" character varying(16),
       ADD "item_results" jsonb,
       ADD "completed_at" TIMESTAMP WITH TIME ZONE,
       ADD "busy_count" integer NOT NULL DEFAULT 0,
       ADD "last_busy_contact" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "deployment"."deployment_job" DROP "sent_in_interaction", DROP "outcome", DROP "item_results", DROP "completed_at", DROP "busy_count", DROP "last_busy_contact"`,
    );
  }
}
