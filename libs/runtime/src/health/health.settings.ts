/** How the health endpoints probe what the process depends on (HEALTH_* / READY_* settings). */
export interface HealthSettings {
  /** A broker or database check not answered by then counts as down (READY_CHECK_TIMEOUT_MS). */
  checkTimeoutMs: number;
  /** A broker check's result is reused this long, so frequent probes cost one round trip (READY_BROKER_CACHE_MS). */
  brokerCacheMs: number;
}

/** Injection token of the process's {@link HealthSettings} (ProcessCoreModule provides it). */
export const HEALTH_SETTINGS = Symbol('workpoint:health-settings');

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = { checkTimeoutMs: 2000, brokerCacheMs: 2000 };

export function healthSettingsFrom(env: { READY_CHECK_TIMEOUT_MS: number; READY_BROKER_CACHE_MS: number }): HealthSettings {
  return { checkTimeoutMs: env.READY_CHECK_TIMEOUT_MS, brokerCacheMs: env.READY_BROKER_CACHE_MS };
}
