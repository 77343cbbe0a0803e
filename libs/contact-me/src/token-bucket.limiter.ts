/**
 * Paces starts to `ratePerSecond`, allowing `burst` back to back (GCRA form of a token
 * bucket: one "theoretical arrival time" instead of a refilling counter, so fractional
 * intervals such as 1000/3 ms need no rounding and never let a start through early).
 */
export class TokenBucketLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private tat = Number.NEGATIVE_INFINITY;

  constructor(ratePerSecond: number, burst = 1) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) throw new RangeError(`ratePerSecond must be a positive number, got ${String(ratePerSecond)}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be a positive integer, got ${String(burst)}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Takes a token if one is free at `now` (returns 0), else returns how long until one is. */
  tryTake(now: number): number {
    const allowedAt = this.tat - this.toleranceMs;
    if (now < allowedAt) return allowedAt - now;
    this.tat = Math.max(this.tat, now) + this.intervalMs;
    return 0;
  }
}
