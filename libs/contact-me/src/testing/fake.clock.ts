import type { SchedulerClock, TimerHandle } from '../scheduler.clock';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Lets every pending promise continuation run (a macrotask turn drains all microtasks). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when the test says so. Timers fire in time order (ties in the
 * order they were set), and promise continuations run between timers, as they would in a
 * real event loop.
 */
export class FakeClock implements SchedulerClock {
  private time: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const next = this.earliest();
      if (next === undefined || next.at > end) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = end;
    await flush();
  }

  /** Fires timers until none is left (bounded, so a timer loop fails the test instead of hanging it). */
  async runAll(maxTimers = 1_000_000): Promise<void> {
    for (let fired = 0; ; fired++) {
      await flush();
      const next = this.earliest();
      if (next === undefined) return;
      if (fired >= maxTimers) throw new Error(`FakeClock.runAll: still ${this.timers.length} timers after ${maxTimers}`);
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (best === undefined || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }
}
