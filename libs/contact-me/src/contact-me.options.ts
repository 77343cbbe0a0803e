import type { ContactMeCallback } from './contact-me.outcome';
import type { ContactMeRetryPolicy } from './contact-me.rules';
import type { ContactMeTargetPolicy } from './contact-me.target-policy';

/** How a service asks phones to call back (inventory's `ContactMeRelay`; CONTACT_ME_* settings). */
export interface ContactMeOptions {
  /** Minimum time between contacts of one phone (the gap rule in contact-me.rules.ts). Default 5 min. */
  readonly gapMs?: number;
  /** Attempts started per second, all phones together. Default 20. */
  readonly ratePerSecond?: number;
  /** Concurrent requests. Default 16. */
  readonly maxInFlight?: number;
  /** Deadline of one attempt. Default 5 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<ContactMeRetryPolicy>;
  /** Sent to every phone as `dls_ip_addr` / `dls_ip_port`; unset, phones call their configured service. */
  readonly callback?: ContactMeCallback;
  /**
   * Where targets may point (`ContactMeTargetPolicy`): checked when a request comes and again
   * right before every attempt. Default: no allow-list (only the phone's own source address).
   */
  readonly policy?: ContactMeTargetPolicy;
}
