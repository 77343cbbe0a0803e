import { jobOutcomeSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outcomes of configuration jobs, as the phone answered them. */
export class ConfigurationJobOutcome1764115200003 implements MigrationInterface {
  name = 'ConfigurationJobOutcome1764115200003';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobOutcomeSql('configuration', 'configuration_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "configuration"."configuration_job" DROP "sent_in_interaction", DROP "outcome", DROP "item_results", DROP "completed_at", DROP "busy_count", DROP "last_busy_contact"`,
    );
  }
}
