import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContactMeRequestedTopic } from '@workpoint/contracts';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { eventually, randomMac } from '@workpoint/testing';
import type { ContactMeSettings } from './inventory.settings';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

/**
 * Issue 9: contact-me requests are durable. Inventory is restarted (its stage app closed, a new
 * one started on the same database) while one phone's request waits for the end of its gap and
 * another phone's request waits to be retried; both are still made, by the new app.
 *
 * The gap and the backoff are long enough (15 s) for the restart to happen inside them, and
 * the shortest the rules allow would be too short for that; a real phone gets 5 min and 60 s.
 */
const SETTINGS: ContactMeSettings = { gapMs: 15_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 3, baseDelayMs: 15_000, maxDelayMs: 15_000 } };
const start = () => startStageHarness('inventory', INVENTORY_SCHEMA, () => InventoryModule.forRoot({ contactMe: SETTINGS }));

/** Plays the phones' contact-me listeners: `/<name>/…`; a name in `failFirst` drops its first request without an answer. */
async function phones(failFirst: string) {
  const received: string[] = [];
  const server = createServer((req, res) => {
    const name = (req.url ?? '').split('/')[1] ?? '';
    received.push(name);
    if (name === failFirst && received.filter((r) => r === name).length === 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    res.writeHead(204, { Server: 'DlsClient' }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    uri: (name: string) => `http://127.0.0.1:${port}/${name}/contact_dls.html/ContactDLS`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let h: StageHarness | undefined;
afterAll(() => h?.close());

describe('inventory restarted while contact-me requests wait', () => {
  it('makes the deferred request and the retry after the restart', async () => {
    const listener = await phones('retried');
    try {
      h = await start();
      const deferredMac = randomMac();
      const retriedMac = randomMac();
      for (const [mac, name] of [
        [deferredMac, 'deferred'],
        [retriedMac, 'retried'],
      ] as const) {
        const contact = h.contact(mac, { reason: 'solicited', items: [{ name: 'mac-addr', value: mac }, { name: 'contact-me-uri', value: listener.uri(name) }] });
        await h.send(contact);
        await h.passOf(contact);
      }
      const request = (mac: string) => h!.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'restart-int', at: new Date().toISOString() });
      const attempts = (mac: string) =>
        h!.dataSource.query<Array<{ attempt: number; outcome: string; final: boolean }>>('SELECT attempt, outcome, final FROM contact_me_attempt WHERE mac = $1 ORDER BY id', [mac]);
      const requestRow = (mac: string) => h!.dataSource.query<Array<{ deferred: boolean; due: boolean }>>('SELECT deferred, due_at IS NOT NULL AS due FROM contact_me_request WHERE mac = $1', [mac]);

      // The deferred phone is asked once, then asked again within its gap: that request waits.
      await request(deferredMac);
      await eventually(async () => ((await attempts(deferredMac)).length === 1 ? true : undefined));
      await request(deferredMac);
      await eventually(async () => ((await requestRow(deferredMac))[0]?.deferred ? true : undefined));
      // The retried phone's first attempt is dropped by its listener: a retry is due after the backoff.
      await request(retriedMac);
      await eventually(async () => ((await attempts(retriedMac)).length === 1 ? true : undefined));

      await h.close();
      h = undefined;
      expect(listener.received.sort()).toEqual(['deferred', 'retried']);

      h = await start();
      await eventually(async () => ((await attempts(deferredMac)).length === 2 && (await attempts(retriedMac)).length === 2 ? true : undefined), 45_000);
      expect(listener.received.sort()).toEqual(['deferred', 'deferred', 'retried', 'retried']);
      expect(await attempts(deferredMac)).toEqual([
        { attempt: 1, outcome: 'accepted', final: true },
        { attempt: 1, outcome: 'accepted', final: true },
      ]);
      expect(await attempts(retriedMac)).toEqual([
        { attempt: 1, outcome: 'unreachable', final: false },
        { attempt: 2, outcome: 'accepted', final: true },
      ]);
      expect(await requestRow(retriedMac)).toEqual([{ deferred: false, due: false }]);
    } finally {
      await listener.close();
    }
  }, 120_000);
});
