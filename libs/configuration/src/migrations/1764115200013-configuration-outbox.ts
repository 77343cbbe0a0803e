import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Integration events written with the state they describe, published after the commit. */
export class ConfigurationOutbox1764115200013 implements MigrationInterface {
  name = 'ConfigurationOutbox1764115200013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "configuration"."outbox" ("id" BIGSERIAL NOT NULL, "topic" character varying(128) NOT NULL, "key" character varying(64) NOT NULL, "value" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_published_id" ON "configuration"."outbox" ("published_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."outbox"`);
  }
}
