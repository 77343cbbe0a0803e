import { ManagedPhoneEntity, type ManagedPhoneRow } from './desired-state.entities';
import type { ManagedPhone } from './desired-state.store';
import type { StoredItem } from './stored-profile';

/**
 * A select list for hand-written SQL on `managed_phone` whose rows come back as
 * `ManagedPhoneRow` fields: each column named by the entity, aliased to its property. The
 * driver already gives each column its entity type (timestamptz → Date, varchar[] → string[],
 * jsonb → parsed, bigint → string), so the rows need no mapping.
 */
export function managedPhoneSelect(properties: readonly (keyof ManagedPhoneRow)[], alias?: string): string {
  return properties
    .map((property) => {
      const column = ManagedPhoneEntity.options.columns[property]?.name ?? property;
      const qualified = alias ? `${alias}.${column}` : column;
      return column === property ? qualified : `${qualified} AS "${property}"`;
    })
    .join(', ');
}

/** Every column configuration management reads of a phone (not its bookkeeping: updated_at, interactions, call-back clock). */
export const MANAGED_PHONE_PROPERTIES = [
  'mac', 'e164', 'model', 'site', 'tags', 'userName', 'profiles', 'overrides', 'assignmentVersion', 'assignedAt', 'deviceType',
  'softwareVersion', 'reportedE164', 'observed', 'applied', 'faults', 'drift', 'driftCount', 'faultCount', 'firstSeenAt',
  'lastContactAt', 'lastFullReportAt', 'syncJobId',
] as const satisfies readonly (keyof ManagedPhoneRow)[];

/** A phone row as configuration management reads it. */
export type ManagedPhoneReadRow = Pick<ManagedPhoneRow, (typeof MANAGED_PHONE_PROPERTIES)[number]>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A phone row as configuration management sees it; a row without the state columns (a list's summary) gets empty state. */
export function managedPhoneOf(
  r: Omit<ManagedPhoneReadRow, 'overrides' | 'observed' | 'applied' | 'faults' | 'drift'> & Partial<Pick<ManagedPhoneRow, 'overrides' | 'observed' | 'applied' | 'faults' | 'drift'>>,
): ManagedPhone {
  return {
    mac: r.mac,
    assignment: {
      mac: r.mac,
      e164: r.e164,
      model: r.model,
      site: r.site,
      tags: r.tags,
      userName: r.userName,
      profiles: r.profiles,
      overrides: r.overrides ?? ([] as StoredItem[]),
      version: r.assignmentVersion,
      assignedAt: iso(r.assignedAt),
    },
    deviceType: r.deviceType,
    softwareVersion: r.softwareVersion,
    reportedE164: r.reportedE164,
    state: { observed: r.observed ?? {}, applied: r.applied ?? {}, faults: r.faults ?? {} },
    drift: r.drift ?? [],
    driftCount: r.driftCount,
    faultCount: r.faultCount,
    firstSeenAt: iso(r.firstSeenAt),
    lastContactAt: iso(r.lastContactAt),
    lastFullReportAt: iso(r.lastFullReportAt),
    syncJobId: r.syncJobId,
  };
}
