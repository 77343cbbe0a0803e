import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Command ids of configuration jobs, and jobs sent in several parts. */
export class ConfigurationJobParts1764115200006 implements MigrationInterface {
  name = 'ConfigurationJobParts1764115200006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "configuration"."configuration_job"
       ADD "request_id" uuid,
       ADD "items_done" integer NOT NULL DEFAULT 0,
       ADD "part_size" integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE UNIQUE INDEX "configuration_job_request_id" ON "configuration"."configuration_job" ("request_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "configuration"."configuration_job_request_id"`);
    await q.query(`ALTER TABLE "configuration"."configuration_job" DROP "request_id", DROP "items_done", DROP "part_size"`);
  }
}
