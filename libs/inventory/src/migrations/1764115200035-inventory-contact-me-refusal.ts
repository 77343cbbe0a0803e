import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why inventory refused the `contact-me-uri` a phone last reported (SSRF guard): the URI itself
 * is not kept then, so a contact-me request can still say `invalid-target` and why.
 */
export class InventoryContactMeRefusal1764115200035 implements MigrationInterface {
  name = 'InventoryContactMeRefusal1764115200035';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."phone" ADD "contact_me_refusal" character varying(128)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "inventory"."phone" DROP COLUMN "contact_me_refusal"`);
  }
}
