/**
 * Requests in flight per remote address. A source at its limit is refused at once (the edge
 * answers 503 before reading the body) instead of queueing, so one address cannot take every
 * connection slot or event-loop turn from the others. Entries exist only while a request is
 * in flight, so the map is bounded by the server's connection cap.
 */
export class PerSourceLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly maxPerSource: number) {}

  /**
   * Takes a slot for `source`: a release function (idempotent, so every exit path may call
   * it), or undefined when `source` already has `maxPerSource` requests in flight.
   */
  tryAcquire(source: string): (() => void) | undefined {
    const count = this.inFlight.get(source) ?? 0;
    if (count >= this.maxPerSource) return undefined;
    this.inFlight.set(source, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(source) ?? 1) - 1;
      if (left > 0) this.inFlight.set(source, left);
      else this.inFlight.delete(source);
    };
  }

  inFlightOf(source: string): number {
    return this.inFlight.get(source) ?? 0;
  }

  /** Addresses with at least one request in flight. */
  get sources(): number {
    return this.inFlight.size;
  }
}
