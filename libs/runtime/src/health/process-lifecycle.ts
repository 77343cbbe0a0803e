export type ProcessPhase = 'starting' | 'running' | 'draining';

/**
 * Where the process stands in its life, as the probes report it: ready only while running.
 * Starting (waiting for PostgreSQL or the broker at boot) and draining (after SIGTERM) are
 * alive but not ready, so the orchestrator neither kills the process nor sends it work. One
 * per process, shared by its apps through ProcessCoreModule (class token).
 */
export class ProcessLifecycle {
  constructor(private current: ProcessPhase = 'starting') {}

  get phase(): ProcessPhase {
    return this.current;
  }

  /** Boot is done: every consumer and listener is up. Ignored once draining. */
  started(): void {
    if (this.current === 'starting') this.current = 'running';
  }

  beginDrain(): void {
    this.current = 'draining';
  }
}
