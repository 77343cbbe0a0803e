import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Desired state and its bookkeeping: profiles, managed phones (assignment + observed state), sites, history, API keys, audit log. */
export class ConfigurationDesiredState1764115200010 implements MigrationInterface {
  name = 'ConfigurationDesiredState1764115200010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "configuration"."profile" ("id" uuid NOT NULL, "name" character varying(128) NOT NULL, "description" character varying(1000), "layer" character varying(16) NOT NULL, "selector" character varying(128), "priority" integer NOT NULL DEFAULT '0', "extends" character varying(128) array NOT NULL DEFAULT '{}', "merge_indexed_groups" boolean NOT NULL DEFAULT false, "items" jsonb NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_by" character varying(128) NOT NULL, CONSTRAINT "UQ_0046bf0859cceb5f1744df2a360" UNIQUE ("name"), CONSTRAINT "PK_3dd8bfc97e4a77c70971591bdcb" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "profile_layer_selector" ON "configuration"."profile" ("layer", "selector")`);
    await q.query(`CREATE TABLE "configuration"."managed_phone" ("mac" character varying(17) NOT NULL, "e164" character varying(32), "model" character varying(128), "site" character varying(128), "tags" character varying(64) array NOT NULL DEFAULT '{}', "user_name" character varying(128), "profiles" character varying(128) array NOT NULL DEFAULT '{}', "overrides" jsonb NOT NULL DEFAULT '[]', "assignment_version" integer NOT NULL DEFAULT '0', "assigned_at" TIMESTAMP WITH TIME ZONE, "device_type" character varying(128), "software_version" character varying(64), "reported_e164" character varying(64), "observed" jsonb NOT NULL DEFAULT '{}', "applied" jsonb NOT NULL DEFAULT '{}', "faults" jsonb NOT NULL DEFAULT '{}', "drift" jsonb NOT NULL DEFAULT '[]', "drift_count" integer NOT NULL DEFAULT '0', "fault_count" integer NOT NULL DEFAULT '0', "first_seen_at" TIMESTAMP WITH TIME ZONE, "last_contact_at" TIMESTAMP WITH TIME ZONE, "last_full_report_at" TIMESTAMP WITH TIME ZONE, "sync_job_id" bigint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b65e117ce016a32275ae4753a18" PRIMARY KEY ("mac"))`);
    await q.query(`CREATE INDEX "managed_phone_device_type" ON "configuration"."managed_phone" ("device_type")`);
    await q.query(`CREATE INDEX "managed_phone_model" ON "configuration"."managed_phone" ("model")`);
    await q.query(`CREATE INDEX "managed_phone_software_version" ON "configuration"."managed_phone" ("software_version")`);
    await q.query(`CREATE INDEX "managed_phone_site" ON "configuration"."managed_phone" ("site")`);
    await q.query(`CREATE INDEX "managed_phone_last_contact" ON "configuration"."managed_phone" ("last_contact_at")`);
    await q.query(`CREATE INDEX "managed_phone_e164" ON "configuration"."managed_phone" ("e164")`);
    await q.query(`CREATE TABLE "configuration"."site" ("name" character varying(128) NOT NULL, "fields" jsonb NOT NULL, "version" integer NOT NULL DEFAULT '1', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9669a09fcc0eb6d2794a658f647" PRIMARY KEY ("name"))`);
    await q.query(`CREATE TABLE "configuration"."phone_history" ("id" BIGSERIAL NOT NULL, "mac" character varying(17) NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(32) NOT NULL, "detail" jsonb NOT NULL, CONSTRAINT "PK_ecf739b687ccb73a4857da87a80" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "phone_history_mac_id" ON "configuration"."phone_history" ("mac", "id")`);
    await q.query(`CREATE TABLE "configuration"."api_key" ("id" character varying(32) NOT NULL, "name" character varying(128) NOT NULL, "role" character varying(16) NOT NULL, "secret_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" character varying(128) NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "configuration"."audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor" character varying(200) NOT NULL, "action" character varying(64) NOT NULL, "entity_type" character varying(32) NOT NULL, "entity_id" character varying(256) NOT NULL, "before" jsonb, "after" jsonb, "request_id" character varying(64), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "audit_log_at" ON "configuration"."audit_log" ("at")`);
    await q.query(`CREATE INDEX "audit_log_entity" ON "configuration"."audit_log" ("entity_type", "entity_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "configuration"."audit_log"`);
    await q.query(`DROP TABLE "configuration"."api_key"`);
    await q.query(`DROP TABLE "configuration"."phone_history"`);
    await q.query(`DROP TABLE "configuration"."site"`);
    await q.query(`DROP TABLE "configuration"."managed_phone"`);
    await q.query(`DROP TABLE "configuration"."profile"`);
  }
}
