import type { ContactMeOutcome } from './contact-me.outcome';
import { ContactMeScheduler, type ContactMeReport, type ContactMeSchedulerOptions } from './contact-me.scheduler';
import { ContactMeTargetPolicy } from './contact-me.target-policy';
import { FakeClock } from './testing/fake.clock';
import { FakeSender, macOf, sourceOf, targetOf, type Script } from './testing/fake.sender';

const ok: ContactMeOutcome = { kind: 'accepted', status: 204 };
const refused: ContactMeOutcome = { kind: 'refused', status: 404 };
const unreachable: ContactMeOutcome = { kind: 'unreachable', error: 'connect ECONNREFUSED', code: 'ECONNREFUSED' };
const timedOut: ContactMeOutcome = { kind: 'timed-out' };

function setup(options: ContactMeSchedulerOptions = {}, script?: Script) {
  const clock = new FakeClock();
  const sender = new FakeSender(clock, script);
  const reports: ContactMeReport[] = [];
  const scheduler = new ContactMeScheduler({
    clock,
    send: sender.send,
    onOutcome: (r) => {
      reports.push(r);
    },
    ...options,
  });
  return { clock, sender, reports, scheduler, t0: clock.now() };
}

/** A script answering with `outcomes[nth-1]` (the last one repeats) after `latencyMs`. */
const sequence =
  (outcomes: ContactMeOutcome[], latencyMs = 50): Script =>
  (_target, nth) => ({ outcome: outcomes[Math.min(nth, outcomes.length) - 1]!, latencyMs });

describe('ContactMeScheduler pace', () => {
  it('starts 2000 requests no faster than ratePerSecond, on an even pace', async () => {
    const { clock, sender, scheduler } = setup({ ratePerSecond: 100, maxInFlight: 16 });
    for (let i = 0; i < 2000; i++) expect(scheduler.request(macOf(i), targetOf(i), sourceOf(i))).toEqual({ accepted: true, coalesced: false });
    await clock.runAll();

    expect(sender.sent).toHaveLength(2000);
    const first = sender.sent[0]!.startedAt;
    sender.sent.forEach((s, i) => expect(s.startedAt - first).toBeGreaterThanOrEqual(i * 10));
    // Any one-second window holds at most 100 starts.
    for (let i = 100; i < sender.sent.length; i++) expect(sender.sent[i]!.startedAt - sender.sent[i - 100]!.startedAt).toBeGreaterThanOrEqual(1000);
    // And the pace is not needlessly slower than asked (50 ms latency leaves 16 slots idle).
    expect(sender.sent[1999]!.startedAt - first).toBe(19_990);
    expect(new Set(sender.sent.map((s) => s.target)).size).toBe(2000);
    expect(scheduler.stats()).toMatchObject({ sent: 2000, accepted: 2000, queued: 0, inFlight: 0 });
  });

  it('never runs ahead of a fractional rate', async () => {
    const { clock, sender, scheduler } = setup({ ratePerSecond: 3 });
    for (let i = 0; i < 30; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    const first = sender.sent[0]!.startedAt;
    sender.sent.forEach((s, i) => expect(s.startedAt - first).toBeGreaterThanOrEqual((i * 1000) / 3));
  });

  it('allows a configured burst, then the pace', async () => {
    const { clock, sender, scheduler, t0 } = setup({ ratePerSecond: 10, burst: 5, maxInFlight: 100 });
    for (let i = 0; i < 8; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(sender.sent.map((s) => s.startedAt - t0)).toEqual([0, 0, 0, 0, 0, 100, 200, 300]);
  });

  it('never has more than maxInFlight requests open, and uses them all', async () => {
    const latency = (target: string) => 200 + (Number(target.split('.')[3]!.split(':')[0]) % 7) * 300;
    const { clock, sender, scheduler } = setup({ ratePerSecond: 1000, maxInFlight: 4 }, (target) => ({ outcome: ok, latencyMs: latency(target) }));
    let maxSeen = 0;
    for (let i = 0; i < 200; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    while (scheduler.stats().queued + scheduler.stats().inFlight > 0) {
      maxSeen = Math.max(maxSeen, scheduler.stats().inFlight);
      await clock.advance(50);
    }
    expect(sender.sent).toHaveLength(200);
    expect(sender.maxInFlight).toBe(4);
    expect(maxSeen).toBe(4);
  });
});

describe('ContactMeScheduler gap per phone', () => {
  const gapMs = 300_000;

  it('coalesces a request for a queued or in-flight phone and refuses one within the gap', async () => {
    const { clock, sender, scheduler, t0 } = setup({ ratePerSecond: 1 });
    const mac = macOf(1);
    scheduler.request(macOf(0), targetOf(0), sourceOf(0)); // takes the first token, so mac 1 stays queued
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toEqual({ accepted: true, coalesced: false });
    expect(scheduler.stats().queued).toBe(1);
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toEqual({ accepted: true, coalesced: true });

    await clock.advance(1000); // mac 1 starts at t0+1000, answers at +1050
    expect(scheduler.stats().inFlight).toBe(1);
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toEqual({ accepted: true, coalesced: true });
    await clock.advance(100);

    expect(sender.to(targetOf(1))).toHaveLength(1);
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toEqual({ accepted: false, reason: 'within-gap', nextAllowedAt: t0 + 1000 + gapMs });
    await clock.advance(gapMs - 1200); // t0 + gap - 100: still inside
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toMatchObject({ accepted: false, reason: 'within-gap' });
    expect(sender.to(targetOf(1))).toHaveLength(1);
    expect(scheduler.stats().coalesced).toBe(4);

    await clock.advance(1100); // t0 + 1000 + gap
    expect(scheduler.request(mac, targetOf(1), sourceOf(1))).toEqual({ accepted: true, coalesced: false });
    await clock.runAll();
    const sends = sender.to(targetOf(1));
    expect(sends).toHaveLength(2);
    expect(sends[1]!.startedAt - sends[0]!.startedAt).toBeGreaterThanOrEqual(gapMs);
  });

  it('measures the gap from the last attempt, whatever it answered', async () => {
    const { clock, scheduler, t0 } = setup({}, sequence([refused]));
    scheduler.request(macOf(7), targetOf(7), sourceOf(7));
    await clock.runAll();
    expect(scheduler.request(macOf(7), targetOf(7), sourceOf(7))).toEqual({ accepted: false, reason: 'within-gap', nextAllowedAt: t0 + gapMs });
  });

  it('sends a coalesced request to the newest target', async () => {
    const { clock, sender, scheduler } = setup({ ratePerSecond: 1 });
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    scheduler.request(macOf(1), targetOf(99), sourceOf(99));
    await clock.runAll();
    expect(sender.sent.map((s) => s.target)).toEqual([targetOf(0), targetOf(99)]);
  });

  it('refuses an invalid target without sending anything', async () => {
    const { clock, sender, scheduler } = setup();
    expect(scheduler.request(macOf(0), 'https://10.0.0.1/contact_dls.html/ContactDLS', '10.0.0.1')).toEqual({
      accepted: false,
      reason: 'invalid-target',
      detail: 'unsupported scheme https:',
    });
    expect(scheduler.request(macOf(0), 'http://169.254.169.254/latest', '10.0.0.1')).toEqual({
      accepted: false,
      reason: 'invalid-target',
      detail: 'cloud metadata address 169.254.169.254',
    });
    expect(scheduler.request(macOf(0), 'http://127.0.0.1:18082/api', '10.0.0.1')).toMatchObject({ accepted: false, reason: 'invalid-target' });
    await clock.runAll();
    expect(sender.sent).toHaveLength(0);
    expect(scheduler.stats()).toMatchObject({ queued: 0, inFlight: 0, sent: 0 });
    // Refusing it did not start a gap for the phone.
    expect(scheduler.request(macOf(0), targetOf(0), sourceOf(0))).toEqual({ accepted: true, coalesced: false });
  });

  it('sends a URI without a path to the documented path', async () => {
    const { clock, sender, scheduler } = setup();
    expect(scheduler.request(macOf(0), 'http://10.0.0.1:8085', '10.0.0.1')).toEqual({ accepted: true, coalesced: false });
    await clock.runAll();
    expect(sender.sent.map((s) => s.target)).toEqual(['http://10.0.0.1:8085/contact_dls.html/ContactDLS']);
  });

  it('checks again right before the attempt: a phone that moved gets invalid-target, never retried, slot given back', async () => {
    let current = sourceOf(0);
    const { clock, sender, reports, scheduler } = setup({ maxInFlight: 1, currentAddress: (mac) => Promise.resolve(mac === macOf(0) ? current : sourceOf(1)) }, (target) => ({ outcome: target === targetOf(0) ? unreachable : ok, latencyMs: 50 }));
    expect(scheduler.request(macOf(0), targetOf(0), sourceOf(0))).toEqual({ accepted: true, coalesced: false });
    await clock.advance(1);
    expect(sender.sent).toHaveLength(1);
    // Between attempt 1 and its retry the phone's requests start coming from another address.
    current = '10.9.9.9';
    await clock.runAll();
    expect(sender.sent).toHaveLength(1);
    expect(reports.map((r) => [r.attempt, r.outcome.kind, r.final])).toEqual([
      [1, 'unreachable', false],
      [2, 'invalid-target', true],
    ]);
    expect(reports[1]!.outcome).toEqual({ kind: 'invalid-target', reason: '10.0.0.0 is neither the phone\'s address nor allow-listed' });
    expect(scheduler.stats()).toMatchObject({ inFlight: 0, waitingRetry: 0, invalidTarget: 1 });
    // The slot was given back: the next phone is sent to at once.
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.runAll();
    expect(sender.sent.map((s) => s.target)).toEqual([targetOf(0), targetOf(1)]);
  });

  it('takes a target inside the allow-list from another source, but never a forbidden class', async () => {
    const { clock, sender, scheduler } = setup({ policy: new ContactMeTargetPolicy(['10.0.0.0/24', '169.254.0.0/16']) });
    expect(scheduler.request(macOf(0), targetOf(0), '192.0.2.7')).toEqual({ accepted: true, coalesced: false });
    expect(scheduler.request(macOf(1), 'http://169.254.1.1/x', '192.0.2.7')).toMatchObject({ accepted: false, reason: 'invalid-target' });
    await clock.runAll();
    expect(sender.sent.map((s) => s.target)).toEqual([targetOf(0)]);
  });

  it('retries when the current address cannot be read, without sending', async () => {
    let failing = true;
    const { clock, sender, reports, scheduler } = setup({
      currentAddress: () => (failing ? Promise.reject(new Error('database down')) : Promise.resolve(sourceOf(0))),
    });
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    await clock.advance(1);
    expect(sender.sent).toHaveLength(0);
    failing = false;
    await clock.runAll();
    expect(reports.map((r) => [r.attempt, r.outcome.kind])).toEqual([
      [1, 'unreachable'],
      [2, 'accepted'],
    ]);
    expect(sender.sent).toHaveLength(1);
  });

  it('holds the rule under random outcomes, repeated requests and retries', async () => {
    // A small deterministic PRNG so the run is the same every time.
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const kinds = [ok, refused, unreachable, timedOut];
    const phones = 40;
    const { clock, sender, scheduler, reports } = setup({ gapMs: 120_000, ratePerSecond: 5, maxInFlight: 3, retry: { attempts: 3, baseDelayMs: 5_000, maxDelayMs: 20_000 } }, () => ({
      outcome: kinds[Math.floor(random() * kinds.length)]!,
      latencyMs: 10 + Math.floor(random() * 3000),
    }));
    for (let step = 0; step < 600; step++) {
      const i = Math.floor(random() * phones);
      scheduler.request(macOf(i), targetOf(i), sourceOf(i));
      await clock.advance(Math.floor(random() * 2000));
    }
    await clock.runAll();

    expect(reports.length).toBe(sender.sent.length);
    expect(sender.sent.length).toBeGreaterThan(phones);
    expect(reports.some((r) => r.attempt > 1)).toBe(true);
    for (let i = 0; i < phones; i++) {
      const attempts = reports.filter((r) => r.mac === macOf(i)).sort((a, b) => a.startedAt - b.startedAt);
      for (let k = 1; k < attempts.length; k++) {
        const prev = attempts[k - 1]!;
        const next = attempts[k]!;
        if (next.startedAt - prev.startedAt < 120_000) {
          // Closer than the gap: only a retry of an attempt that did not reach the phone.
          expect(next.attempt).toBe(prev.attempt + 1);
          expect(['unreachable', 'timed-out']).toContain(prev.outcome.kind);
          expect(next.startedAt - prev.at).toBeGreaterThanOrEqual(5_000 * 2 ** (prev.attempt - 1));
        } else {
          expect(next.startedAt - prev.startedAt).toBeGreaterThanOrEqual(120_000);
        }
        // Never two requests to one phone within a second (§2.5).
        expect(next.startedAt - prev.startedAt).toBeGreaterThanOrEqual(1000);
      }
    }
  });
});

describe('ContactMeScheduler retries', () => {
  const retry = { attempts: 3, baseDelayMs: 30_000, maxDelayMs: 300_000 };

  it.each([
    ['unreachable', unreachable],
    ['timed-out', timedOut],
  ])('retries %s with exponential backoff, then stops', async (_name, failure) => {
    const { clock, sender, scheduler, reports } = setup({ retry }, sequence([failure]));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.runAll();

    const sends = sender.to(targetOf(1));
    expect(sends).toHaveLength(3);
    expect(sends[1]!.startedAt - sends[0]!.endedAt!).toBe(30_000);
    expect(sends[2]!.startedAt - sends[1]!.endedAt!).toBe(60_000);
    expect(reports.map((r) => [r.attempt, r.outcome.kind, r.final])).toEqual([
      [1, failure.kind, false],
      [2, failure.kind, false],
      [3, failure.kind, true],
    ]);
    expect(reports[0]!.retryAt).toBe(sends[1]!.startedAt);
    expect(reports[2]!.retryAt).toBeUndefined();
  });

  it('caps the backoff at maxDelayMs', async () => {
    const { clock, sender, scheduler } = setup({ retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 100_000 } }, sequence([unreachable]));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.runAll();
    const s = sender.sent;
    expect(s.slice(1).map((x, i) => x.startedAt - s[i]!.endedAt!)).toEqual([60_000, 100_000, 100_000, 100_000]);
  });

  it.each([
    ['refused', refused],
    ['accepted', ok],
    ['invalid-target', { kind: 'invalid-target', reason: 'x' } as ContactMeOutcome],
  ])('does not retry %s', async (_name, outcome) => {
    const { clock, sender, scheduler, reports } = setup({ retry }, sequence([outcome]));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.runAll();
    expect(sender.sent).toHaveLength(1);
    expect(reports).toEqual([expect.objectContaining({ attempt: 1, outcome, final: true })]);
  });

  it('stops retrying once an attempt reaches the phone, and counts retries as sends for the gap', async () => {
    const { clock, sender, scheduler, reports } = setup({ retry, gapMs: 300_000 }, sequence([unreachable, timedOut, ok]));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    // A request during the backoff joins the contact instead of adding a send.
    await clock.advance(1_000);
    expect(scheduler.stats().waitingRetry).toBe(1);
    expect(scheduler.request(macOf(1), targetOf(1), sourceOf(1))).toEqual({ accepted: true, coalesced: true });
    await clock.runAll();

    expect(reports.map((r) => r.outcome.kind)).toEqual(['unreachable', 'timed-out', 'accepted']);
    expect(sender.sent).toHaveLength(3);
    const last = sender.sent[2]!;
    expect(scheduler.request(macOf(1), targetOf(1), sourceOf(1))).toEqual({ accepted: false, reason: 'within-gap', nextAllowedAt: last.startedAt + 300_000 });
    expect(scheduler.stats()).toMatchObject({ sent: 3, unreachable: 1, timedOut: 1, accepted: 1, coalesced: 2, waitingRetry: 0 });
  });

  it('goes through the pace and the in-flight limit for retries too', async () => {
    const { clock, sender, scheduler } = setup({ ratePerSecond: 2, maxInFlight: 1, retry: { attempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 } }, sequence([unreachable, ok], 400));
    for (let i = 0; i < 6; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(sender.sent).toHaveLength(12);
    for (let i = 1; i < sender.sent.length; i++) {
      expect(sender.sent[i]!.startedAt - sender.sent[i - 1]!.startedAt).toBeGreaterThanOrEqual(500);
      expect(sender.sent[i]!.startedAt).toBeGreaterThanOrEqual(sender.sent[i - 1]!.endedAt!);
    }
  });

  it('ends the contact when the sender itself rejects, without retrying', async () => {
    const { clock, sender, scheduler, reports } = setup({ retry }, () => 'reject');
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.runAll();
    expect(sender.sent).toHaveLength(1);
    expect(reports).toEqual([expect.objectContaining({ final: true, outcome: { kind: 'unreachable', error: 'sender failed: sender bug' } })]);
  });
});

describe('ContactMeScheduler reporting', () => {
  it('reports every attempt with its target, times and outcome, and counts them', async () => {
    const outcomes: Record<string, ContactMeOutcome> = { [targetOf(0)]: ok, [targetOf(1)]: refused, [targetOf(2)]: unreachable, [targetOf(3)]: timedOut };
    const { clock, scheduler, reports, t0 } = setup({ ratePerSecond: 10, retry: { attempts: 1 } }, (target) => ({ outcome: outcomes[target]!, latencyMs: 30 }));
    for (let i = 0; i < 4; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(reports).toEqual([0, 1, 2, 3].map((i) => ({ mac: macOf(i), target: targetOf(i), attempt: 1, outcome: outcomes[targetOf(i)], startedAt: t0 + i * 100, at: t0 + i * 100 + 30, final: true })));
    expect(scheduler.stats()).toEqual({ queued: 0, waitingRetry: 0, inFlight: 0, tracked: 4, sent: 4, accepted: 1, refused: 1, unreachable: 1, timedOut: 1, invalidTarget: 0, coalesced: 0 });
  });

  it('passes the call-back address and timeout to the sender', async () => {
    const { clock, sender, scheduler } = setup({ timeoutMs: 1234, callback: { host: '10.1.2.3', port: 18443 } });
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    await clock.runAll();
    expect(sender.sent[0]!.opts).toEqual({ timeoutMs: 1234, callback: { host: '10.1.2.3', port: 18443 } });
  });

  it('hands a failing outcome callback to onError and keeps going', async () => {
    const errors: Array<[unknown, ContactMeReport]> = [];
    const { clock, sender, scheduler } = setup({
      onOutcome: (r) => {
        if (r.mac === macOf(0)) throw new Error('recorder down');
        return r.mac === macOf(1) ? Promise.reject(new Error('async recorder down')) : undefined;
      },
      onError: (error, report) => errors.push([error, report]),
    });
    for (let i = 0; i < 3; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(sender.sent).toHaveLength(3);
    expect(errors.map(([e, r]) => [(e as Error).message, r.mac])).toEqual([
      ['recorder down', macOf(0)],
      ['async recorder down', macOf(1)],
    ]);
  });
});

describe('ContactMeScheduler stop and drained', () => {
  it('drained() resolves at once when idle, and after the last retry otherwise', async () => {
    const { clock, scheduler } = setup({ retry: { attempts: 2, baseDelayMs: 10_000, maxDelayMs: 10_000 } }, sequence([unreachable, ok]));
    await expect(scheduler.drained()).resolves.toBeUndefined();
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    let drained = false;
    void scheduler.drained().then(() => (drained = true));
    await clock.advance(5_000); // first attempt over, retry pending
    expect(drained).toBe(false);
    await clock.advance(10_000);
    expect(drained).toBe(true);
    expect(scheduler.stats()).toMatchObject({ sent: 2, queued: 0, inFlight: 0, waitingRetry: 0 });
  });

  it('stop() cancels queued work and retries, and resolves only after in-flight requests end', async () => {
    const { clock, sender, scheduler, reports } = setup({ ratePerSecond: 1, maxInFlight: 1, retry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 } }, (target) => ({
      outcome: target === targetOf(0) ? unreachable : ok,
      latencyMs: 5_000,
    }));
    for (let i = 0; i < 3; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.advance(5_100); // phone 0 failed and waits to retry; phone 1 is in flight; phone 2 is queued
    expect(scheduler.stats()).toMatchObject({ inFlight: 1, waitingRetry: 1, queued: 1 });

    let stopped: { cancelled: ReadonlyArray<{ mac: string }> } | undefined;
    void scheduler.stop().then((r) => (stopped = r));
    // Retry and pace timers are gone at once (a real one would hold the process open); only the request in flight is left.
    expect(clock.pending()).toBe(1);
    await clock.advance(1_000);
    expect(stopped).toBeUndefined();
    expect(scheduler.request(macOf(5), targetOf(5), sourceOf(5))).toEqual({ accepted: false, reason: 'stopped' });

    await clock.runAll();
    expect(stopped?.cancelled.map((c) => c.mac).sort()).toEqual([macOf(0), macOf(2)]);
    expect(sender.sent.map((s) => s.target)).toEqual([targetOf(0), targetOf(1)]);
    expect(reports.map((r) => [r.mac, r.outcome.kind, r.final])).toEqual([
      [macOf(0), 'unreachable', false],
      [macOf(1), 'accepted', true],
    ]);
    expect(clock.pending()).toBe(0);
    await expect(scheduler.drained()).resolves.toBeUndefined();
  });

  it('stop() while the pace holds work back leaves no timer behind', async () => {
    const { clock, sender, scheduler } = setup({ ratePerSecond: 1 });
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    scheduler.request(macOf(1), targetOf(1), sourceOf(1));
    await clock.advance(100); // phone 0 done; phone 1 waits for the next token
    expect(clock.pending()).toBe(1);
    await expect(scheduler.stop()).resolves.toEqual({ cancelled: [{ mac: macOf(1), target: targetOf(1), attemptsMade: 0 }] });
    expect(clock.pending()).toBe(0);
    expect(sender.sent).toHaveLength(1);
  });

  it('reports an attempt ended after stop() as final, with no retry', async () => {
    const { clock, scheduler, reports } = setup({}, sequence([timedOut], 1_000));
    scheduler.request(macOf(0), targetOf(0), sourceOf(0));
    await clock.advance(10);
    const stopping = scheduler.stop();
    await clock.runAll();
    await expect(stopping).resolves.toEqual({ cancelled: [] });
    expect(reports).toEqual([expect.objectContaining({ outcome: timedOut, final: true })]);
  });
});

describe('ContactMeScheduler memory', () => {
  it('forgets phones once their gap has passed', async () => {
    const { clock, scheduler } = setup({ gapMs: 60_000, ratePerSecond: 1000, maxInFlight: 100 });
    for (let i = 0; i < 1000; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(scheduler.stats().tracked).toBe(1000);

    await clock.advance(30_000);
    for (let i = 1000; i < 1010; i++) scheduler.request(macOf(i), targetOf(i), sourceOf(i));
    await clock.runAll();
    expect(scheduler.stats().tracked).toBe(1010); // all still within their gap

    await clock.advance(30_000); // the first 1000 started ≥ 60 s ago, the last 10 did not
    expect(scheduler.request(macOf(5000), targetOf(5000), sourceOf(5000))).toEqual({ accepted: true, coalesced: false });
    expect(scheduler.stats()).toMatchObject({ tracked: 11, inFlight: 1 }); // the last 10 and the new one
    // A forgotten phone is simply allowed again.
    expect(scheduler.request(macOf(0), targetOf(0), sourceOf(0))).toEqual({ accepted: true, coalesced: false });
  });
});

describe('ContactMeScheduler options', () => {
  it.each<[string, ContactMeSchedulerOptions]>([
    ['ratePerSecond 0', { ratePerSecond: 0 }],
    ['maxInFlight 0', { maxInFlight: 0 }],
    ['negative gap', { gapMs: -1 }],
    ['retries faster than a second apart', { retry: { baseDelayMs: 500 } }],
    ['maxDelayMs below baseDelayMs', { retry: { baseDelayMs: 60_000, maxDelayMs: 1_000 } }],
    ['zero attempts', { retry: { attempts: 0 } }],
    ['a bad call-back port', { callback: { host: '10.0.0.1', port: 70_000 } }],
    ['a bad call-back host', { callback: { host: 'a b', port: 18443 } }],
  ])('rejects %s', (_name, options) => {
    expect(() => new ContactMeScheduler(options)).toThrow(RangeError);
  });
});
