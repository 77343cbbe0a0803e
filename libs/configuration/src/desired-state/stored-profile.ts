import type { DriftPolicy, ProfileLayer } from '../profiles';
import type { ProfileRow } from './desired-state.entities';

/** A profile item as stored: secret values only ever sealed. */
export interface StoredItem {
  name: string;
  index?: number;
  value?: string | null;
  /** The sealed value of a secret item (SecretBox); never `value` for secrets. */
  sealed?: string;
  policy?: DriftPolicy;
  /** Written even though the item catalogue does not know the name (the catalogue is incomplete). */
  allowUnknown?: boolean;
}

export interface StoredProfile {
  id: string;
  name: string;
  description: string | null;
  layer: ProfileLayer;
  /** The site name, device type or tag the profile applies to (site, model, group layers). */
  selector: string | null;
  priority: number;
  extends: string[];
  mergeIndexedGroups: boolean;
  items: StoredItem[];
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** What decides which profiles apply to a phone, and its own overrides. */
export interface PhoneAssignment {
  mac: string;
  e164: string | null;
  model: string | null;
  site: string | null;
  tags: string[];
  userName: string | null;
  profiles: string[];
  overrides: StoredItem[];
  version: number;
}

/** A profile row as the desired state and the API hand it on (times as ISO strings). */
export function storedProfileOf(row: ProfileRow): StoredProfile {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}
