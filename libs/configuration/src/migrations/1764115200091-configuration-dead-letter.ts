import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead letters kept by the service (listed, shown and replayed by `workpoint dlq`); the original value is sealed or masked, never in clear. */
export class ConfigurationDeadLetter1764115200091 implements MigrationInterface {
  name = 'ConfigurationDeadLetter1764115200091';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "configuration"."dead_letter" ("id" uuid NOT NULL, "source_topic" character varying(249) NOT NULL, "group_id" character varying(255) NOT NULL, "key" character varying(256), "headers" jsonb NOT NULL, "value" text NOT NULL, "value_sealed" boolean NOT NULL, "error_code" character varying(32) NOT NULL, "error" character varying(2000) NOT NULL, "attempts" integer NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "replay_requested_at" TIMESTAMP WITH TIME ZONE, "replayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e51e9e534cd18984b2aad76403c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "dead_letter_failed_at" ON "configuration"."dead_letter" ("failed_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."dead_letter"`);
  }
}
