import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outcomes of configuration jobs, as the phone answered them. */
export class ConfigurationJobOutcome1764115200003 implements MigrationInterface {
  name = 'ConfigurationJobOutcome1764115200003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "configuration"."configuration_job"
       ADD "sent_in_interaction" uuid,
       ADD "outcome" character varying(16),
       ADD "item_results" jsonb,
       ADD "completed_at" TIMESTAMP WITH TIME ZONE,
       ADD "busy_count" integer NOT NULL DEFAULT 0,
       ADD "last_busy_contact" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "configuration"."configuration_job" DROP "sent_in_interaction", DROP "outcome", DROP "item_results", DROP "completed_at", DROP "busy_count", DROP "last_busy_contact"`,
    );
  }
}
