import type { INestMicroservice } from '@nestjs/common';
import {
  type ContactEvent,
  ContactReceivedTopic,
  gatewayResponseTopic,
  InventoryContactPassedTopic,
  type PhoneResponse,
} from '@workpoint/contracts';
import { openServiceDataSource, pendingSchemaChanges } from '@workpoint/database';
import { KafkaBus } from '@workpoint/messaging';
import { startStageApp } from '@workpoint/runtime';
import { capturingLogger, eventually, infraFromEnv, randomId, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

const infra = infraFromEnv();
const gatewayId = randomId('gw');
const { logger } = capturingLogger('inventory-int');

let bus: KafkaBus;
let dataSource: DataSource;
let app: INestMicroservice;
const responses: PhoneResponse[] = [];
const passed: ContactEvent[] = [];

function contact(mac: string, message: Partial<ContactEvent['message']>, interactionId = randomUUID()): ContactEvent {
  const now = new Date();
  return {
    contactId: randomUUID(),
    interactionId,
    gatewayId,
    mac,
    remoteAddress: '127.0.0.1',
    receivedAt: now.toISOString(),
    answerBy: new Date(now.getTime() + 10_000).toISOString(),
    message: { nonce: 'ABCDEF0123456789ABCDEF0123456789', maxItems: -1, reason: 'start-up', items: [], ...message },
  };
}

const basicItems = (mac: string, changed: boolean): WpiItem[] => [
  { name: 'mac-addr', value: mac },
  { name: 'e164', value: '4989722' },
  { name: 'device-type', value: 'OpenStage 60' },
  { name: 'software-version', value: 'V3 R5.12.0' },
  { name: 'configuration-changed-flag', value: String(changed) },
  { name: 'user-pwd', value: 'clear-text-at-start-up' },
];

const fullItems = (mac: string): WpiItem[] => [
  ...basicItems(mac, false),
  ...Array.from({ length: 9 }, (_, i) => ({ name: 'function-key-def', index: i + 1, value: String(i) })),
  { name: 'sip-pwd', value: null, status: 'failed' },
  { name: 'unknown-thing', value: null, status: 'unknown item' },
];

beforeAll(async () => {
  bus = new KafkaBus(
    { brokers: infra.kafkaBrokers.split(','), clientId: 'inventory-int', partitions: 6, replicationFactor: 1, partitionsConsumedConcurrently: 3, sessionTimeoutMs: 10_000 },
    logger,
  );
  dataSource = await openServiceDataSource(infra.databaseUrl, INVENTORY_SCHEMA, 4, 'inventory-int');
  await bus.ensureTopics([gatewayResponseTopic(gatewayId), InventoryContactPassedTopic, ContactReceivedTopic]);
  await bus.subscribe({ topic: gatewayResponseTopic(gatewayId), groupId: `${gatewayId}-responses`, handle: async ({ value }) => void responses.push(value) });
  await bus.subscribe({ topic: InventoryContactPassedTopic, groupId: `${gatewayId}-passed`, handle: async ({ value }) => void passed.push(value) });
  app = await startStageApp({ stage: 'inventory', deps: { bus, dataSource, logger }, module: (d) => InventoryModule.register(d) });
});

afterAll(async () => {
  await app?.close();
  await bus?.close();
  await dataSource?.destroy();
});

const responseTo = (c: ContactEvent) => eventually(async () => responses.find((r) => r.contactId === c.contactId));
const passOf = (c: ContactEvent) => eventually(async () => passed.find((p) => p.contactId === c.contactId));
const reports = (mac: string): Promise<Array<{ item_count: number; items: WpiItem[] }>> =>
  dataSource.query('SELECT item_count, items FROM phone_report WHERE mac = $1', [mac]);

describe('inventory service on Kafka and PostgreSQL', () => {
  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('registers an unknown phone on start-up and asks for all its items', async () => {
    const mac = randomMac();
    const startUp = contact(mac, { items: basicItems(mac, false) });
    await bus.publish(ContactReceivedTopic, mac, startUp);
    expect(await responseTo(startUp)).toMatchObject({ action: 'ReadAllItems', respondedBy: 'inventory', interactionId: startUp.interactionId });
    const [phone] = await dataSource.query('SELECT * FROM phone WHERE mac = $1', [mac]);
    expect(phone).toMatchObject({ mac, e164: '4989722', device_type: 'OpenStage 60', software_version: 'V3 R5.12.0', last_reason: 'start-up' });
    // Passwords some firmware reports in clear at start-up are not kept.
    expect(JSON.stringify(phone.basic_items)).not.toContain('clear-text-at-start-up');
  });

  it('stores the full item set once, even when the same event is consumed twice', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    await bus.publish(ContactReceivedTopic, mac, contact(mac, { items: basicItems(mac, true) }, interaction));
    const reply = contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: fullItems(mac) }, interaction);
    await bus.publish(ContactReceivedTopic, mac, reply);
    await passOf(reply);
    // The redelivery: exactly the same message again.
    await bus.publish(ContactReceivedTopic, mac, reply);
    await eventually(async () => (passed.filter((p) => p.contactId === reply.contactId).length === 2 ? true : undefined));
    const stored = await reports(mac);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.item_count).toBe(fullItems(mac).length);
    expect(stored[0]!.items).toContainEqual({ name: 'function-key-def', index: 9, value: '8' });
    expect(stored[0]!.items).toContainEqual({ name: 'unknown-thing', value: null, status: 'unknown item' });
    expect(stored[0]!.items).toContainEqual({ name: 'user-pwd', value: '***' });
  });

  it('skips the read for a known phone whose configuration did not change', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    await bus.publish(ContactReceivedTopic, mac, contact(mac, { items: basicItems(mac, true) }, interaction));
    const reply = contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: fullItems(mac) }, interaction);
    await bus.publish(ContactReceivedTopic, mac, reply);
    await passOf(reply);
    const again = contact(mac, { items: basicItems(mac, false) });
    await bus.publish(ContactReceivedTopic, mac, again);
    expect(await passOf(again)).toMatchObject({ contactId: again.contactId });
    expect(responses.find((r) => r.contactId === again.contactId)).toBeUndefined();
  });

  it('never lets an older contact overwrite newer facts (reordered delivery)', async () => {
    const mac = randomMac();
    const newer = contact(mac, { reason: 'solicited', items: [...basicItems(mac, false).filter((i) => i.name !== 'software-version'), { name: 'software-version', value: 'V3 R5.13.0' }] });
    const older = { ...contact(mac, { reason: 'solicited', items: basicItems(mac, false) }), receivedAt: new Date(Date.now() - 60_000).toISOString() };
    await bus.publish(ContactReceivedTopic, mac, newer);
    await passOf(newer);
    await bus.publish(ContactReceivedTopic, mac, older);
    await passOf(older);
    const [phone] = await dataSource.query('SELECT software_version FROM phone WHERE mac = $1', [mac]);
    expect(phone.software_version).toBe('V3 R5.13.0');
  });
});
