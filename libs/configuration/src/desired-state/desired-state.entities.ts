import { EntitySchema } from 'typeorm';
import type { ProfileLayer } from '../profiles/profile.types';
import type { DriftEntry, PhoneConfigState } from './delivery-plan';
import type { StoredItem } from './stored-profile';

/**
 * Rows of the configuration service's desired state, as the repositories read and write them
 * (api/*.repository.ts through TypeORM; desired-state.store.ts, the contact path, with
 * hand-written SQL whose rows have these types); the drift test checks that the migrations
 * create exactly this.
 */

export interface ProfileRow {
  id: string;
  name: string;
  description: string | null;
  layer: ProfileLayer;
  selector: string | null;
  priority: number;
  extends: string[];
  mergeIndexedGroups: boolean;
  items: StoredItem[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export const ProfileEntity = new EntitySchema<ProfileRow>({
  name: 'profile',
  tableName: 'profile',
  columns: {
    id: { type: 'uuid', primary: true },
    name: { type: 'varchar', length: 128, unique: true },
    description: { type: 'varchar', length: 1000, nullable: true },
    layer: { type: 'varchar', length: 16 },
    selector: { type: 'varchar', length: 128, nullable: true },
    priority: { type: 'integer', default: 0 },
    extends: { type: 'varchar', length: 128, array: true, default: () => "'{}'" },
    mergeIndexedGroups: { name: 'merge_indexed_groups', type: 'boolean', default: false },
    items: { type: 'jsonb' },
    version: { type: 'integer', default: 1 },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
    updatedBy: { name: 'updated_by', type: 'varchar', length: 128 },
  },
  indices: [{ name: 'profile_layer_selector', columns: ['layer', 'selector'] }],
});

/** One phone as configuration management sees it: its assignment (operator-owned) and its state (phone-reported). */
export interface ManagedPhoneRow {
  mac: string;
  e164: string | null;
  model: string | null;
  site: string | null;
  tags: string[];
  userName: string | null;
  profiles: string[];
  overrides: StoredItem[];
  assignmentVersion: number;
  assignedAt: Date | null;
  deviceType: string | null;
  softwareVersion: string | null;
  reportedE164: string | null;
  observed: PhoneConfigState['observed'];
  applied: PhoneConfigState['applied'];
  faults: PhoneConfigState['faults'];
  drift: DriftEntry[];
  driftCount: number;
  faultCount: number;
  firstSeenAt: Date | null;
  lastContactAt: Date | null;
  lastFullReportAt: Date | null;
  /** The WriteItems job that brings the phone to its effective configuration, while open. */
  syncJobId: string | null;
  updatedAt: Date;
  /** The interaction of the phone's latest contact that reached configuration. */
  lastInteractionId: string | null;
  /** How many interactions of the phone reached configuration (a one-off phone has one). */
  interactions: number;
  /** When a fleet-wide change first asked the phone to call back since its last contact (null once it did). */
  callBackAskedAt: Date | null;
}

export const ManagedPhoneEntity = new EntitySchema<ManagedPhoneRow>({
  name: 'managed_phone',
  tableName: 'managed_phone',
  columns: {
    mac: { type: 'varchar', length: 17, primary: true },
    e164: { type: 'varchar', length: 32, nullable: true },
    model: { type: 'varchar', length: 128, nullable: true },
    site: { type: 'varchar', length: 128, nullable: true },
    tags: { type: 'varchar', length: 64, array: true, default: () => "'{}'" },
    userName: { name: 'user_name', type: 'varchar', length: 128, nullable: true },
    profiles: { type: 'varchar', length: 128, array: true, default: () => "'{}'" },
    overrides: { type: 'jsonb', default: () => "'[]'" },
    assignmentVersion: { name: 'assignment_version', type: 'integer', default: 0 },
    assignedAt: { name: 'assigned_at', type: 'timestamptz', nullable: true },
    deviceType: { name: 'device_type', type: 'varchar', length: 128, nullable: true },
    softwareVersion: { name: 'software_version', type: 'varchar', length: 64, nullable: true },
    reportedE164: { name: 'reported_e164', type: 'varchar', length: 64, nullable: true },
    observed: { type: 'jsonb', default: () => "'{}'" },
    applied: { type: 'jsonb', default: () => "'{}'" },
    faults: { type: 'jsonb', default: () => "'{}'" },
    drift: { type: 'jsonb', default: () => "'[]'" },
    driftCount: { name: 'drift_count', type: 'integer', default: 0 },
    faultCount: { name: 'fault_count', type: 'integer', default: 0 },
    firstSeenAt: { name: 'first_seen_at', type: 'timestamptz', nullable: true },
    lastContactAt: { name: 'last_contact_at', type: 'timestamptz', nullable: true },
    lastFullReportAt: { name: 'last_full_report_at', type: 'timestamptz', nullable: true },
    syncJobId: { name: 'sync_job_id', type: 'bigint', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
    lastInteractionId: { name: 'last_interaction_id', type: 'uuid', nullable: true },
    interactions: { type: 'integer', default: 0 },
    callBackAskedAt: { name: 'call_back_asked_at', type: 'timestamptz', nullable: true },
  },
  indices: [
    { name: 'managed_phone_device_type', columns: ['deviceType'] },
    { name: 'managed_phone_model', columns: ['model'] },
    { name: 'managed_phone_software_version', columns: ['softwareVersion'] },
    { name: 'managed_phone_site', columns: ['site'] },
    { name: 'managed_phone_last_contact', columns: ['lastContactAt'] },
    { name: 'managed_phone_e164', columns: ['e164'] },
    // Trigram index on an expression, made by its migration when pg_trgm is available.
    { name: 'managed_phone_search', columns: ['mac'], synchronize: false },
  ],
});

export interface SiteRow {
  name: string;
  fields: Record<string, string>;
  version: number;
  updatedAt: Date;
}

export const SiteEntity = new EntitySchema<SiteRow>({
  name: 'site',
  tableName: 'site',
  columns: {
    name: { type: 'varchar', length: 128, primary: true },
    fields: { type: 'jsonb' },
    version: { type: 'integer', default: 1 },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
});

export interface PhoneHistoryRow {
  id: string;
  mac: string;
  at: Date;
  kind: string;
  detail: unknown;
}

export const PhoneHistoryEntity = new EntitySchema<PhoneHistoryRow>({
  name: 'phone_history',
  tableName: 'phone_history',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    mac: { type: 'varchar', length: 17 },
    at: { type: 'timestamptz' },
    kind: { type: 'varchar', length: 32 },
    detail: { type: 'jsonb' },
  },
  indices: [
    { name: 'phone_history_mac_id', columns: ['mac', 'id'] },
    { name: 'phone_history_at', columns: ['at'] },
  ],
});

export interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  secretHash: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: 'api_key',
  tableName: 'api_key',
  columns: {
    id: { type: 'varchar', length: 32, primary: true },
    name: { type: 'varchar', length: 128 },
    role: { type: 'varchar', length: 16 },
    secretHash: { name: 'secret_hash', type: 'varchar', length: 64 },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    createdBy: { name: 'created_by', type: 'varchar', length: 128 },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', nullable: true },
  },
});

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export const AuditEntity = new EntitySchema<AuditRow>({
  name: 'audit_log',
  tableName: 'audit_log',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    at: { type: 'timestamptz' },
    actor: { type: 'varchar', length: 200 },
    action: { type: 'varchar', length: 64 },
    entityType: { name: 'entity_type', type: 'varchar', length: 32 },
    entityId: { name: 'entity_id', type: 'varchar', length: 256 },
    before: { type: 'jsonb', nullable: true },
    after: { type: 'jsonb', nullable: true },
    requestId: { name: 'request_id', type: 'varchar', length: 64, nullable: true },
  },
  indices: [
    { name: 'audit_log_at', columns: ['at'] },
    { name: 'audit_log_entity', columns: ['entityType', 'entityId'] },
  ],
});

export const DESIRED_STATE_ENTITIES = [ProfileEntity, ManagedPhoneEntity, SiteEntity, PhoneHistoryEntity, ApiKeyEntity, AuditEntity];
