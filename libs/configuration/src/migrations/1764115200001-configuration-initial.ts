import { jobTableSql } from '@workpoint/jobs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The queue of configuration jobs per phone. */
export class ConfigurationInitial1764115200001 implements MigrationInterface {
  name = 'ConfigurationInitial1764115200001';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of jobTableSql('configuration', 'configuration_job', 'PK_configuration_job')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."configuration_job"`);
  }
}
