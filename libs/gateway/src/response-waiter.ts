import { Injectable } from '@nestjs/common';
import type { PhoneResponse } from '@workpoint/contracts';

export type WaitOutcome = { kind: 'response'; response: PhoneResponse } | { kind: 'timeout' };

/**
 * The phone requests this gateway instance holds open, by contact id, each waiting for the
 * services' answer on this instance's response topic, or for its deadline.
 */
@Injectable()
export class ResponseWaiter {
  private readonly pending = new Map<string, { resolve: (o: WaitOutcome) => void; timer: NodeJS.Timeout }>();

  wait(contactId: string, timeoutMs: number): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(contactId);
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.pending.set(contactId, { resolve, timer });
    });
  }

  /** Returns false when nobody waits for this contact (late, duplicate or foreign answer). */
  deliver(response: PhoneResponse): boolean {
    const entry = this.pending.get(response.contactId);
    if (!entry) return false;
    this.pending.delete(response.contactId);
    clearTimeout(entry.timer);
    entry.resolve({ kind: 'response', response });
    return true;
  }

  cancel(contactId: string): void {
    const entry = this.pending.get(contactId);
    if (!entry) return;
    this.pending.delete(contactId);
    clearTimeout(entry.timer);
  }

  get size(): number {
    return this.pending.size;
  }

  /** On shutdown: every open request is answered now rather than cut off. */
  expireAll(): void {
    for (const [contactId, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.pending.delete(contactId);
      entry.resolve({ kind: 'timeout' });
    }
  }
}
