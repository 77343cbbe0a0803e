import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Completed configuration jobs found by age, for the retention job; and what tells a dormant
 * one-off phone from a real one: how many interactions reached configuration, and when a
 * fleet-wide change first asked the phone to call back without an answer yet.
 */
export class ConfigurationRetention1764115200031 implements MigrationInterface {
  name = 'ConfigurationRetention1764115200031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "configuration_job_completed_at" ON "configuration"."configuration_job" ("completed_at")`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" ADD "last_interaction_id" uuid`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" ADD "interactions" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" ADD "call_back_asked_at" TIMESTAMP WITH TIME ZONE`);
    // Phones known before this migration: their interactions were not counted, so they are taken as returning phones (never dormant).
    await q.query(`UPDATE "configuration"."managed_phone" SET "interactions" = 2 WHERE "last_contact_at" IS NOT NULL`);
    await q.query(`CREATE INDEX "phone_history_at" ON "configuration"."phone_history" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "configuration"."phone_history_at"`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" DROP COLUMN "call_back_asked_at"`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" DROP COLUMN "interactions"`);
    await q.query(`ALTER TABLE "configuration"."managed_phone" DROP COLUMN "last_interaction_id"`);
    await q.query(`DROP INDEX "configuration"."configuration_job_completed_at"`);
  }
}
