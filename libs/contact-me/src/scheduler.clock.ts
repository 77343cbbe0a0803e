/** Opaque handle of a pending timer; only the clock that made it understands it. */
export type TimerHandle = unknown;

/**
 * Time as the scheduler sees it. Injected so tests can run hours of pacing and backoff on a
 * fake clock, deterministically and instantly.
 */
export interface SchedulerClock {
  /** Milliseconds; reported as `at` in outcomes, so the default is epoch time. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
