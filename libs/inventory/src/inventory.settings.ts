import type { ContactMeEnv, StorageEnv } from '@workpoint/config';
import { type ContactMeOptions, ContactMeTargetPolicy } from '@workpoint/contact-me';

export type ContactMeSettings = ContactMeOptions;

/** What `InventoryModule.forRoot` is given: loaded and checked at boot by the process. */
export interface InventorySettings {
  contactMe: ContactMeSettings;
  /** Reply byte cap and retention; left out (stage tests), the defaults apply and no retention job runs. */
  storage?: StorageEnv;
}

/** Inventory's settings token (`InventoryModule.forRoot(settings)`). */
export const INVENTORY_SETTINGS = Symbol('INVENTORY_SETTINGS');

export function contactMeSettingsFrom(env: ContactMeEnv): ContactMeSettings {
  return {
    gapMs: env.CONTACT_ME_GAP_SECONDS * 1000,
    ratePerSecond: env.CONTACT_ME_RATE_PER_SECOND,
    maxInFlight: env.CONTACT_ME_MAX_IN_FLIGHT,
    timeoutMs: env.CONTACT_ME_TIMEOUT_MS,
    retry: { attempts: env.CONTACT_ME_ATTEMPTS, baseDelayMs: env.CONTACT_ME_RETRY_BASE_SECONDS * 1000 },
    policy: new ContactMeTargetPolicy(env.CONTACT_ME_ALLOWED_NETWORKS),
    ...(env.CONTACT_ME_CALLBACK_HOST && env.CONTACT_ME_CALLBACK_PORT
      ? { callback: { host: env.CONTACT_ME_CALLBACK_HOST, port: env.CONTACT_ME_CALLBACK_PORT } }
      : {}),
  };
}
