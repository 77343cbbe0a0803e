import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The size of each stored reply fragment, so an interaction's bytes are counted before the next
 * part is inserted; the final part that assembled it; and indexes that let the retention job
 * find old rows without scanning.
 */
export class InventoryReplyFragmentBytes1764115200030 implements MigrationInterface {
  name = 'InventoryReplyFragmentBytes1764115200030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."reply_fragment" ADD "bytes" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "inventory"."reply_fragment" ADD "assembled_by" uuid`);
    await q.query(`CREATE INDEX "reply_fragment_received_at" ON "inventory"."reply_fragment" ("received_at")`);
    await q.query(`CREATE INDEX "read_request_requested_at" ON "inventory"."read_request" ("requested_at")`);
    await q.query(`CREATE INDEX "contact_me_attempt_attempted_at" ON "inventory"."contact_me_attempt" ("attempted_at")`);
    await q.query(`CREATE INDEX "phone_report_reported_at" ON "inventory"."phone_report" ("reported_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "inventory"."phone_report_reported_at"`);
    await q.query(`DROP INDEX "inventory"."contact_me_attempt_attempted_at"`);
    await q.query(`DROP INDEX "inventory"."read_request_requested_at"`);
    await q.query(`DROP INDEX "inventory"."reply_fragment_received_at"`);
    await q.query(`ALTER TABLE "inventory"."reply_fragment" DROP COLUMN "assembled_by"`);
    await q.query(`ALTER TABLE "inventory"."reply_fragment" DROP COLUMN "bytes"`);
  }
}
