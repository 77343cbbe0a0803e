import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deployment's integration events (job completions) written with the state they describe, published after the commit. */
export class DeploymentOutbox1764115200093 implements MigrationInterface {
  name = 'DeploymentOutbox1764115200093';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "deployment"."outbox" ("id" BIGSERIAL NOT NULL, "topic" character varying(128) NOT NULL, "key" character varying(64) NOT NULL, "value" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_published_id" ON "deployment"."outbox" ("published_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "deployment"."outbox"`);
  }
}
