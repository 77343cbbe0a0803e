import { buildDlsMessage } from '@workpoint/wpi-codec';
import { fullItemSet } from './item-set.factory';
import { backoffMs, runRetryingStorm } from './retrying-storm.runner';
import { fakeDlsPerTest, happyStartUp, sendXml, type FakeDlsHandler } from './testing/fake-dls.server';
import { answer } from './testing/scripted-dls.handler';

describe('runRetryingStorm', () => {
  const serve = fakeDlsPerTest();

  it('completes every phone at its first attempt when the service answers', async () => {
    const server = await serve();
    const result = await runRetryingStorm({ phones: 5, concurrency: 5, urls: [server.url], itemCount: 30, macStart: 0x20 });

    expect(result.deadlineReached).toBe(false);
    expect(result.phones.map((p) => p.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(result.phones.every((p) => p.completedMs !== undefined)).toBe(true);
    expect(result.phones.find((p) => p.mac === '00:1A:E8:00:00:20')?.lastFullReport).toEqual(fullItemSet({ mac: '00:1A:E8:00:00:20', itemCount: 30 }));
  });

  it('retries a phone answered CleanUp overload until it gets a plain CleanUp', async () => {
    const overloads = new Map<string, number>();
    const overloadTwice: FakeDlsHandler = (request, response) => {
      const mac = request.message.items.find((i) => i.name === 'mac-addr')?.value ?? '';
      const seen = overloads.get(mac) ?? 0;
      if (request.message.reason === 'start-up' && seen < 2) {
        overloads.set(mac, seen + 1);
        sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action: 'CleanUp', items: [{ name: 'cleanup-reason', value: 'overload' }] }));
        return;
      }
      happyStartUp(request, response);
    };
    const server = await serve(overloadTwice);
    const result = await runRetryingStorm({ phones: 3, concurrency: 3, urls: [server.url], itemCount: 30, macStart: 0x30, backoffBaseMs: 1, backoffMaxMs: 2 });

    for (const phone of result.phones) {
      expect(phone).toMatchObject({ attempts: 3, retryReasons: ['CleanUp overload', 'CleanUp overload'] });
      expect(phone.completedMs).toBeDefined();
    }
  });

  it('moves a phone to the next URL when a gateway answers 503', async () => {
    const down = await serve((_request, response) => sendXml(response, 'down', 503));
    const up = await serve();
    const result = await runRetryingStorm({ phones: 2, concurrency: 2, urls: [down.url, up.url], itemCount: 30, macStart: 0x40, backoffBaseMs: 1, backoffMaxMs: 2 });

    expect(result.phones.every((p) => p.completedMs !== undefined)).toBe(true);
    // Phone 0 starts on the failing URL; phone 1 starts on the good one, but its reply-to goes to the failing one.
    expect(result.phones.map((p) => p.attempts)).toEqual([2, 2]);
    expect(result.phones.map((p) => p.retryReasons[0])).toEqual([expect.stringContaining('503'), expect.stringContaining('503')]);
    expect(up.requests.filter((r) => r.message.reason === 'start-up')).toHaveLength(3);
  });

  it('sends its file status again, not a start-up, when the status after a FileDeployment was answered CleanUp overload', async () => {
    let statuses = 0;
    const server = await serve((request, response) => {
      const { reason } = request.message;
      if (reason === 'start-up') {
        answer(request, response, { action: 'FileDeployment', cookie: true, items: [{ name: 'file-https-base-url', value: 'https://files.test/ring.wav' }, { name: 'file-type', value: 'RINGTONE' }] });
      } else if (reason === 'status' && statuses++ === 0) {
        answer(request, response, { action: 'CleanUp', items: [{ name: 'cleanup-reason', value: 'overload' }] });
      } else {
        answer(request, response, { action: 'CleanUp' });
      }
    });
    const result = await runRetryingStorm({ phones: 1, concurrency: 1, urls: [server.url], itemCount: 30, macStart: 0x60, backoffBaseMs: 1, backoffMaxMs: 2 });

    expect(result.phones[0]).toMatchObject({ attempts: 2, retryReasons: ['CleanUp overload'] });
    expect(result.phones[0]!.completedMs).toBeDefined();
    expect(server.requests.map((r) => r.message.reason)).toEqual(['start-up', 'status', 'status']);
    expect(server.requests[2]!.message.items).toContainEqual({ name: 'file-deployment-name', value: 'ring.wav' });
  });

  it('gives up at the deadline, leaving the phone not completed', async () => {
    const server = await serve((_request, response) => sendXml(response, 'down', 503));
    const result = await runRetryingStorm({ phones: 1, concurrency: 1, urls: [server.url], macStart: 0x50, backoffBaseMs: 20, backoffMaxMs: 20, deadlineMs: 300 });

    expect(result.deadlineReached).toBe(true);
    expect(result.phones[0]!.completedMs).toBeUndefined();
    expect(result.phones[0]!.attempts).toBeGreaterThan(1);
  });
});

describe('backoffMs', () => {
  it.each([
    [1, 500, 750],
    [2, 1000, 1500],
    [5, 8000, 12000],
    [9, 8000, 12000],
  ])('attempt %i waits between %i and %i ms', (attempt, min, max) => {
    const wait = backoffMs(attempt, 500, 8000);
    expect(wait).toBeGreaterThanOrEqual(min);
    expect(wait).toBeLessThan(max);
  });
});
