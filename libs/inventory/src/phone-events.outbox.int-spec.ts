import { Test, type TestingModule } from '@nestjs/testing';
import { deterministicEventId, HEADERS, type PhoneChangesReported, PhoneChangesReportedTopic, type PhoneRegistered, PhoneRegisteredTopic } from '@workpoint/contracts';
import { openServiceDataSource, Outbox } from '@workpoint/database';
import { type Envelope, InProcessBus } from '@workpoint/messaging';
import { StageCoreModule } from '@workpoint/runtime';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { capturingLogger, eventually, infraFromEnv, randomId, randomMac } from '@workpoint/testing';
import { randomUUID } from 'node:crypto';
import { InventoryContactUseCase } from './contact.use-case';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

/**
 * Inventory's integration events are rows of its outbox, committed with the change they
 * describe. Here the change commits in an inventory whose bus is closed (its relay cannot
 * publish); another inventory's relay on the same database (the harness's, on Kafka) sends
 * each event once, with the eventId and headers fixed in the row, however often it runs.
 */
const SETTINGS = { contactMe: { gapMs: 60_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 1 } } };

let h: StageHarness;
let down: TestingModule;
const registered: Array<Envelope<PhoneRegistered>> = [];
const changes: Array<Envelope<PhoneChangesReported>> = [];

beforeAll(async () => {
  h = await startStageHarness('inventory', INVENTORY_SCHEMA, () => InventoryModule.forRoot(SETTINGS));
  await h.bus.subscribe({ topic: PhoneRegisteredTopic, groupId: randomId('registered'), fromBeginning: true, handle: async (m) => void registered.push(m) });
  await h.bus.subscribe({ topic: PhoneChangesReportedTopic, groupId: randomId('changes'), fromBeginning: true, handle: async (m) => void changes.push(m) });
  const { logger } = capturingLogger('inventory-bus-down-int');
  const closed = new InProcessBus(logger);
  await closed.close();
  const dataSource = await openServiceDataSource(infraFromEnv().databaseUrl, INVENTORY_SCHEMA, 2, 'inventory-bus-down-int');
  // Not initialised: its relay runs only when the test flushes it.
  down = await Test.createTestingModule({ imports: [StageCoreModule.forRoot({ bus: closed, dataSource, logger }), InventoryModule.forRoot(SETTINGS)] }).compile();
}, 120_000);
afterAll(async () => {
  await down?.close();
  await h?.close();
});

/** Lets the harness's relay (the one that can publish) run `times` passes, at most two at once, as two instances would. */
async function relay(times: number): Promise<void> {
  const outbox = h.app.get(Outbox);
  for (let i = 0; i < times; i += 2) await Promise.all([outbox.flush(), outbox.flush()]);
}

/** Everything on the topic for the phone, once a marker published after the relay's passes has come through behind it. */
async function allFor<T extends { mac: string; eventId: string }>(seen: Array<Envelope<T>>, marker: T, topic: typeof PhoneRegisteredTopic | typeof PhoneChangesReportedTopic): Promise<Array<Envelope<T>>> {
  await h.bus.publish(topic as never, marker.mac, marker as never);
  await eventually(async () => seen.find((m) => m.value.eventId === marker.eventId));
  return seen.filter((m) => m.value.mac === marker.mac && m.value.eventId !== marker.eventId);
}

describe('inventory events while the bus is down when the change commits', () => {
  it('delivers the registration and the change report once each, with their eventIds and headers, after the relay runs again and again', async () => {
    const useCase = down.get(InventoryContactUseCase);
    const mac = randomMac();
    const interactionId = randomUUID();
    const startUp = h.contact(mac, { items: [{ name: 'mac-addr', value: mac }, { name: 'device-type', value: 'OpenStage 60' }] }, interactionId);
    const change = h.contact(mac, { reason: 'inventory-changes', items: [{ name: 'mac-addr', value: mac }, { name: 'key-modules', value: '1' }] }, interactionId);
    expect(await useCase.handle(startUp)).toMatchObject({ kind: 'answer', action: 'ReadAllItems' });
    await useCase.handle(change);
    // The inventory that made the change cannot publish: its events stay in the outbox.
    await down.get(Outbox).flush();
    const waiting: Array<{ topic: string; value: { eventId: string }; headers: Record<string, string> }> = await h.dataSource.query(
      'SELECT topic, value, headers FROM outbox WHERE key = $1 AND published_at IS NULL ORDER BY id',
      [mac],
    );
    expect(waiting.map((r) => [r.topic, r.value.eventId])).toEqual([
      [PhoneRegisteredTopic.name, deterministicEventId(startUp.contactId, PhoneRegisteredTopic.name)],
      [PhoneChangesReportedTopic.name, deterministicEventId(change.contactId, PhoneChangesReportedTopic.name)],
    ]);

    // A redelivered contact adds nothing; the relay runs four passes, two at a time.
    await useCase.handle(startUp);
    await useCase.handle(change);
    await relay(4);

    const now = new Date().toISOString();
    const registrations = await allFor(registered, { eventId: randomUUID(), occurredAt: now, mac, contactId: randomUUID() }, PhoneRegisteredTopic);
    expect(registrations.map((m) => [m.value.eventId, m.value.contactId, m.value.deviceType])).toEqual([[deterministicEventId(startUp.contactId, PhoneRegisteredTopic.name), startUp.contactId, 'OpenStage 60']]);
    expect(registrations[0]!.headers).toMatchObject({ [HEADERS.correlationId]: interactionId, [HEADERS.causationId]: startUp.contactId });
    const reports = await allFor(changes, { eventId: randomUUID(), occurredAt: now, mac, kind: 'inventory-changes', items: [], contactId: randomUUID() }, PhoneChangesReportedTopic);
    expect(reports.map((m) => [m.value.eventId, m.value.kind])).toEqual([[deterministicEventId(change.contactId, PhoneChangesReportedTopic.name), 'inventory-changes']]);
    expect(reports[0]!.headers).toMatchObject({ [HEADERS.correlationId]: interactionId, [HEADERS.causationId]: change.contactId });
  });
});
