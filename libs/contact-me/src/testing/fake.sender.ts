import type { ContactMeOutcome, ContactMeSender, SendContactMeOptions } from '../contact-me.outcome';
import type { FakeClock } from './fake.clock';

export interface SentRecord {
  readonly target: string;
  readonly opts: SendContactMeOptions;
  readonly startedAt: number;
  endedAt?: number;
  outcome?: ContactMeOutcome;
}

export type Script = (target: string, nth: number) => { outcome: ContactMeOutcome; latencyMs: number } | 'reject';

/**
 * A sender that answers on the fake clock: each call takes `latencyMs` of fake time and
 * returns what the script says for that target (nth = how often this target was sent to,
 * from 1). Records every call and the highest concurrency seen.
 */
export class FakeSender {
  readonly sent: SentRecord[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly perTarget = new Map<string, number>();

  constructor(
    private readonly clock: FakeClock,
    private readonly script: Script = () => ({ outcome: { kind: 'accepted', status: 204 }, latencyMs: 50 }),
  ) {}

  readonly send: ContactMeSender = (target, opts) => {
    const nth = (this.perTarget.get(target) ?? 0) + 1;
    this.perTarget.set(target, nth);
    const record: SentRecord = { target, opts, startedAt: this.clock.now() };
    this.sent.push(record);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const step = this.script(target, nth);
    return new Promise<ContactMeOutcome>((resolve, reject) => {
      this.clock.setTimeout(
        () => {
          this.inFlight--;
          record.endedAt = this.clock.now();
          if (step === 'reject') {
            reject(new Error('sender bug'));
            return;
          }
          record.outcome = step.outcome;
          resolve(step.outcome);
        },
        step === 'reject' ? 10 : step.latencyMs,
      );
    });
  };

  to(target: string): SentRecord[] {
    return this.sent.filter((r) => r.target === target);
  }
}

export const targetOf = (i: number): string => `http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8085/contact_dls.html/ContactDLS`;
export const macOf = (i: number): string =>
  [0x00, 0x01, 0xe3, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
/** The source address of phone i's own requests: the host of `targetOf(i)`, so its target is acceptable. */
export const sourceOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
