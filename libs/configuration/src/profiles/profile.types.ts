/**
 * Desired state: profiles of WPI items, layered from the fleet down to the single phone.
 * Later layers win; see effective-configuration.ts for the exact rules.
 */
export const PROFILE_LAYERS = ['fleet', 'site', 'model', 'group', 'phone'] as const;
export type ProfileLayer = (typeof PROFILE_LAYERS)[number];

/** What happens when the phone's own value differs (a local change on the phone). */
export type DriftPolicy = 'enforce' | 'adopt';

export interface ProfileItem {
  name: string;
  index?: number;
  /** May hold placeholders: `{{e164}}`, `{{mac}}`, `{{user}}`, `{{device-type}}`, `{{site.<field>}}`. */
  value: string | null;
  policy?: DriftPolicy;
}

export interface Profile {
  id: string;
  name: string;
  layer: ProfileLayer;
  /** Among profiles of one layer (e.g. two groups), the higher priority wins. */
  priority?: number;
  items: ProfileItem[];
  /**
   * An indexed group (all function keys, all XML apps…) is one unit: a profile that sets any
   * part of it replaces the whole of it from earlier layers — unless it says to merge.
   */
  mergeIndexedGroups?: boolean;
}

/** What templates may refer to. */
export interface PhoneFacts {
  mac: string;
  e164?: string;
  deviceType?: string;
  user?: string;
  site?: Record<string, string>;
}

export interface EffectiveItem {
  name: string;
  index?: number;
  value: string | null;
  policy: DriftPolicy;
  /** Where the value comes from. */
  source: { profileId: string; profileName: string; layer: ProfileLayer };
}
