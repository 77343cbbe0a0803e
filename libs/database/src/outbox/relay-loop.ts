/**
 * The drive of a relay over a table (outbox, contact-me requests, change fan-out): one pass at
 * a time, on a timer and whenever kicked; a kick during a pass makes one more pass after it.
 * A pass that fails leaves its rows where they are, so the failure is reported (`onError`) and
 * the next pass takes them again; nothing is dropped.
 */
export class RelayLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs: number,
  ) {}

  /** Starts the timer and makes a first pass. */
  start(): void {
    this.timer = setInterval(() => void this.kick(), this.intervalMs);
    this.timer.unref();
    void this.kick();
  }

  /** A pass soon; resolves when the pass in progress (or this one) has ended. */
  kick(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** No more passes; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
