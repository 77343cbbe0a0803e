import { setTimeout as sleep } from 'node:timers/promises';
import { ContactMeAttemptedTopic, ContactMeRequestedTopic } from '@workpoint/contracts';
import { Test, type TestingModule } from '@nestjs/testing';
import { StageCoreModule } from '@workpoint/runtime';
import { type OutageHarness, startOutageHarness } from '@workpoint/stage-harness';
import { distinctMacs, eventually } from '@workpoint/testing';
import { ContactMeUseCase } from './contact-me.use-case';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

/**
 * Issue 9: PostgreSQL goes away for 10 s while contact-me requests arrive. Inventory's
 * contact-me use case runs on a PostgreSQL of its own (see OutageHarness) and the shared broker.
 * The phones are unknown, so each request ends in a recorded `no-target` attempt.
 */
const OUTAGE_MS = 10_000;
const macs = distinctMacs(6);
const requestMacs = macs.slice(0, 5);
const malformedMac = macs[5]!;
let h: OutageHarness;
let inventory: Promise<TestingModule> | undefined;

beforeAll(async () => {
  h = await startOutageHarness({
    name: 'contact-me-outage-int',
    owned: INVENTORY_SCHEMA,
    topic: ContactMeRequestedTopic,
    publishesTo: [ContactMeAttemptedTopic],
    macs,
    macOf: (request) => request.mac,
    handler: ({ bus, dataSource, logger }) => {
      const settings = { gapMs: 60_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 1 } };
      const compiled = Test.createTestingModule({ imports: [StageCoreModule.forRoot({ bus, dataSource, logger }), InventoryModule.forRoot({ contactMe: settings })] }).compile();
      inventory = compiled;
      const useCase = compiled.then((m) => m.get(ContactMeUseCase));
      return async (request) => (await useCase).request(request);
    },
  });
}, 120_000);
afterAll(async () => {
  await (await inventory)?.close();
  await h?.close();
});

describe('contact-me requests while PostgreSQL is down', () => {
  it('handles every request once the database is back, dead-letters none of them, and dead-letters a malformed one once', async () => {
    await h.db.pause();
    await Promise.all(requestMacs.map((mac) => h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'outage-int', at: new Date().toISOString() })));
    await h.publishRaw(ContactMeRequestedTopic, malformedMac, JSON.stringify({ mac: malformedMac }));

    await eventually(async () => h.logLines.find((l) => l.includes('handler failed on a transient error')));
    await sleep(OUTAGE_MS);
    expect(h.deadLetters.filter((d) => d.key !== malformedMac)).toEqual([]);

    await h.db.resume();
    const attempts = await eventually(async () => {
      const rows: Array<{ mac: string; outcome: string }> = await h.dataSource.query('SELECT mac, outcome FROM contact_me_attempt WHERE mac = ANY($1)', [requestMacs]);
      return rows.length === requestMacs.length ? rows : undefined;
    });
    expect(attempts.map((a) => a.mac).sort()).toEqual([...requestMacs].sort());
    expect(new Set(attempts.map((a) => a.outcome))).toEqual(new Set(['no-target']));
    await eventually(async () => (h.deadLetters.some((d) => d.key === malformedMac) ? true : undefined));
    expect(h.deadLetters.filter((d) => requestMacs.includes(d.key ?? ''))).toEqual([]);
    expect(h.deadLetters.filter((d) => d.key === malformedMac)).toEqual([expect.objectContaining({ sourceTopic: ContactMeRequestedTopic.name, attempts: 0 })]);
  });
});
