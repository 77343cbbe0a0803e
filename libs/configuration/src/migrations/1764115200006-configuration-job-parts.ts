import { jobPartsSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Command ids of configuration jobs, and jobs sent in several parts. */
export class ConfigurationJobParts1764115200006 implements MigrationInterface {
  name = 'ConfigurationJobParts1764115200006';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobPartsSql('configuration', 'configuration_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "configuration"."configuration_job_request_id"`);
    await q.query(`ALTER TABLE "configuration"."configuration_job" DROP "request_id", DROP "items_done", DROP "part_size"`);
  }
}
