import { pendingSchemaChanges } from '@workpoint/database';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { randomUUID } from 'node:crypto';
import { InventoryModule } from './inventory.module';
import { INVENTORY_SCHEMA } from './inventory.schema';

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('inventory', INVENTORY_SCHEMA, (d) => InventoryModule.register(d));
});
afterAll(() => h?.close());

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

const readAllReply = (mac: string, interactionId: string) =>
  h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'final', items: fullItems(mac) }, interactionId);

const reports = (mac: string): Promise<Array<{ item_count: number; items: WpiItem[] }>> =>
  h.dataSource.query('SELECT item_count, items FROM phone_report WHERE mac = $1', [mac]);

describe('inventory service on Kafka and PostgreSQL', () => {
  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(h.dataSource)).toEqual([]);
  });

  it('registers an unknown phone on start-up and asks for all its items', async () => {
    const mac = randomMac();
    const startUp = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(startUp);
    expect(await h.responseTo(startUp)).toMatchObject({ action: 'ReadAllItems', respondedBy: 'inventory', interactionId: startUp.interactionId });
    const [phone] = await h.dataSource.query('SELECT * FROM phone WHERE mac = $1', [mac]);
    expect(phone).toMatchObject({ mac, e164: '4989722', device_type: 'OpenStage 60', software_version: 'V3 R5.12.0', last_reason: 'start-up' });
    // Passwords some firmware reports in clear at start-up are not kept.
    expect(JSON.stringify(phone.basic_items)).not.toContain('clear-text-at-start-up');
  });

  it('stores the full item set once, even when the same event is consumed twice', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    await h.send(h.contact(mac, { items: basicItems(mac, true) }, interaction));
    const reply = readAllReply(mac, interaction);
    await h.send(reply);
    await h.passOf(reply);
    // The redelivery: exactly the same message again.
    await h.send(reply);
    await eventuallyPassedTwice(reply.contactId);
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
    await h.send(h.contact(mac, { items: basicItems(mac, true) }, interaction));
    const reply = readAllReply(mac, interaction);
    await h.send(reply);
    await h.passOf(reply);
    const again = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(again);
    expect(await h.passOf(again)).toMatchObject({ contactId: again.contactId });
    expect(h.responses.find((r) => r.contactId === again.contactId)).toBeUndefined();
  });

  it('never lets an older contact overwrite newer facts (reordered delivery)', async () => {
    const mac = randomMac();
    const newerItems = basicItems(mac, false).map((i) => (i.name === 'software-version' ? { ...i, value: 'V3 R5.13.0' } : i));
    const newer = h.contact(mac, { reason: 'solicited', items: newerItems });
    const older = { ...h.contact(mac, { reason: 'solicited', items: basicItems(mac, false) }), receivedAt: new Date(Date.now() - 60_000).toISOString() };
    await h.send(newer);
    await h.passOf(newer);
    await h.send(older);
    await h.passOf(older);
    const [phone] = await h.dataSource.query('SELECT software_version FROM phone WHERE mac = $1', [mac]);
    expect(phone.software_version).toBe('V3 R5.13.0');
  });
});

async function eventuallyPassedTwice(contactId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (h.passed.filter((p) => p.contactId === contactId).length < 2) {
    if (Date.now() > deadline) throw new Error('redelivered contact was not processed');
    await new Promise((r) => setTimeout(r, 50));
  }
}
