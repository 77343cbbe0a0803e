import { randomUUID } from 'node:crypto';
import { StorageEnvSchema } from '@workpoint/config';
import type { ContactEvent } from '@workpoint/contracts';
import { RetentionJob } from '@workpoint/database';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { capturingLogger, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { MAX_REPLY_FRAGMENTS } from './contact.use-case';
import { InventoryModule } from './inventory.module';
import { inventorySweeps } from './inventory.retention';
import { INVENTORY_SCHEMA } from './inventory.schema';
import { fragmentBytes } from './reply-fragment.repository';

/** A small byte cap, so a few parts reach it. */
const REPLY_MAX_BYTES = 4000;
const storage = { ...StorageEnvSchema.parse({}), REPLY_MAX_BYTES };
const CONTACT_ME_FOR_TESTS = { gapMs: 60_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 1 } };

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('inventory', INVENTORY_SCHEMA, () => InventoryModule.forRoot({ contactMe: CONTACT_ME_FOR_TESTS, storage }));
});
afterAll(() => h?.close());

/** `count` items of about `bytes` bytes together (as stored: JSON). */
const itemsOf = (count: number, bytes: number): WpiItem[] =>
  Array.from({ length: count }, (_, i) => ({ name: 'alert', index: i + 1, value: 'x'.repeat(Math.max(1, Math.floor(bytes / count) - 40)) }));

const part = (mac: string, interactionId: string, fragment: 'next' | 'final', items: WpiItem[], action = 'ReadAllItems'): ContactEvent =>
  h.contact(mac, { reason: 'reply-to', replyTo: { action, status: 'accepted' }, fragment, items }, interactionId);

const fragmentsOf = async (mac: string): Promise<Array<{ contact_id: string; bytes: number }>> =>
  h.dataSource.query('SELECT contact_id, bytes FROM reply_fragment WHERE mac = $1', [mac]);

describe('inventory: fragmented replies are bounded before anything is stored', () => {
  it('refuses the part over the count cap, stores nothing of it and drops the interaction\'s fragments', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    await h.dataSource.query(
      `INSERT INTO reply_fragment (mac, interaction_id, action, contact_id, items, received_at, bytes)
       SELECT $1, $2, 'ReadAllItems', gen_random_uuid(), '[]'::jsonb, now(), 2 FROM generate_series(1, $3)`,
      [mac, interaction, MAX_REPLY_FRAGMENTS],
    );
    const over = part(mac, interaction, 'next', itemsOf(1, 50));
    await h.send(over);
    expect(await h.responseTo(over)).toMatchObject({ action: 'CleanUp', note: 'too many fragments' });
    expect(await fragmentsOf(mac)).toEqual([]);
  });

  it('refuses the part that would pass the byte cap, and a final part that would', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    const first = part(mac, interaction, 'next', itemsOf(10, 2500));
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'GetNextFragment' });
    const [stored] = await fragmentsOf(mac);
    expect(stored).toEqual({ contact_id: first.contactId, bytes: fragmentBytes(first.message.items) });
    const second = part(mac, interaction, 'next', itemsOf(10, 2500));
    await h.send(second);
    expect(await h.responseTo(second)).toMatchObject({ action: 'CleanUp', note: 'reply too large' });
    expect(await fragmentsOf(mac)).toEqual([]);

    const other = randomUUID();
    const opening = part(mac, other, 'next', itemsOf(10, 2500));
    await h.send(opening);
    expect(await h.responseTo(opening)).toMatchObject({ action: 'GetNextFragment' });
    const final = part(mac, other, 'final', itemsOf(10, 2500));
    await h.send(final);
    expect(await h.responseTo(final)).toMatchObject({ action: 'CleanUp', note: 'reply too large' });
    expect(await fragmentsOf(mac)).toEqual([]);
    expect(h.passed.find((p) => p.contactId === final.contactId)).toBeUndefined();
  });

  it('assembles a reply within both caps', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    const parts = [part(mac, interaction, 'next', itemsOf(5, 1000)), part(mac, interaction, 'next', itemsOf(5, 1000)), part(mac, interaction, 'final', itemsOf(5, 1000))];
    for (const p of parts.slice(0, 2)) {
      await h.send(p);
      expect(await h.responseTo(p)).toMatchObject({ action: 'GetNextFragment' });
    }
    await h.send(parts[2]!);
    expect((await h.passOf(parts[2]!)).message.items).toHaveLength(15);
  });

  it('counts the bytes of all fragmented replies of an interaction together', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    const read = part(mac, interaction, 'next', itemsOf(10, 2500), 'ReadItems');
    await h.send(read);
    expect(await h.responseTo(read)).toMatchObject({ action: 'GetNextFragment' });
    const write = part(mac, interaction, 'next', itemsOf(10, 2500), 'WriteItems');
    await h.send(write);
    expect(await h.responseTo(write)).toMatchObject({ action: 'CleanUp', note: 'reply too large' });
    expect(await fragmentsOf(mac)).toEqual([]);
  });

  it('assembles two fragmented replies to the same action in one interaction each from its own parts', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    const wholes: WpiItem[][] = [];
    for (const value of ['first', 'second']) {
      const items = [{ name: 'display-id', value: `${value}-1` }, { name: 'sip-name', value: `${value}-2` }];
      const next = part(mac, interaction, 'next', [items[0]!], 'ReadItems');
      await h.send(next);
      expect(await h.responseTo(next)).toMatchObject({ action: 'GetNextFragment' });
      const final = part(mac, interaction, 'final', [items[1]!], 'ReadItems');
      await h.send(final);
      wholes.push((await h.passOf(final)).message.items);
    }
    expect(wholes.map((items) => items.map((i) => i.value))).toEqual([
      ['first-1', 'first-2'],
      ['second-1', 'second-2'],
    ]);
  });

  it.each(['Bogus', 'CleanUp', 'x'.repeat(32)])('refuses fragments for an action the service never sends (%s), storing nothing', async (action) => {
    const mac = randomMac();
    const c = part(mac, randomUUID(), 'next', itemsOf(1, 50), action);
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'CleanUp', note: 'unknown reply-to action' });
    expect(await fragmentsOf(mac)).toEqual([]);
  });
});

describe('inventory: retention', () => {
  const DAY = 24 * 3600_000;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  async function report(mac: string, kind: string, at: Date): Promise<string> {
    const [row] = (await h.dataSource.query(
      `INSERT INTO phone_report (mac, contact_id, interaction_id, kind, reported_at, item_count, items) VALUES ($1, gen_random_uuid(), gen_random_uuid(), $2, $3, 0, '[]') RETURNING id`,
      [mac, kind, at],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  it('deletes only rows past their retention, in batches, and keeps each phone\'s newest full report', async () => {
    const mac = randomMac();
    const oldFull = await report(mac, 'full', ago(200 * DAY));
    const newestFull = await report(mac, 'full', ago(100 * DAY));
    await report(mac, 'local-change', ago(95 * DAY));
    const recentChange = await report(mac, 'inventory-change', ago(10 * DAY));
    const other = randomMac();
    const otherFull = await report(other, 'full', ago(300 * DAY));
    const otherRecentFull = await report(other, 'full', ago(DAY));
    const attempt = (at: Date) =>
      h.dataSource.query(`INSERT INTO contact_me_attempt (mac, target, attempt, outcome, final, attempted_at) VALUES ($1, '', 1, 'no-target', true, $2)`, [mac, at]);
    await attempt(ago(31 * DAY));
    await attempt(ago(29 * DAY));
    const readRequest = (at: Date) => h.dataSource.query('INSERT INTO read_request (mac, interaction_id, requested_at) VALUES ($1, gen_random_uuid(), $2)', [mac, at]);
    await readRequest(ago(2 * DAY));
    await readRequest(ago(3600_000));
    const fragment = (at: Date) =>
      h.dataSource.query(`INSERT INTO reply_fragment (mac, interaction_id, action, contact_id, items, received_at) VALUES ($1, gen_random_uuid(), 'ReadAllItems', gen_random_uuid(), '[]', $2)`, [
        mac,
        at,
      ]);
    await fragment(ago(61 * 60_000));
    await fragment(ago(59 * 60_000));

    const job = new RetentionJob('inventory', inventorySweeps(h.dataSource, storage), { intervalMs: 3600_000, batchRows: 2 }, capturingLogger().logger);
    const deleted = await job.runOnce(now);

    const ids = async (m: string) => ((await h.dataSource.query('SELECT id FROM phone_report WHERE mac = $1 ORDER BY id', [m])) as Array<{ id: string }>).map((r) => r.id);
    expect(await ids(mac)).toEqual([newestFull, recentChange]);
    expect(await ids(other)).toEqual([otherRecentFull]);
    expect([oldFull, otherFull]).not.toContain(newestFull);
    const ages = async (table: string, column: string) =>
      ((await h.dataSource.query(`SELECT ${column} AS at FROM ${table} WHERE mac = $1`, [mac])) as Array<{ at: Date }>).map((r) => Math.round((now.getTime() - r.at.getTime()) / 60_000));
    expect(await ages('contact_me_attempt', 'attempted_at')).toEqual([29 * 24 * 60]);
    expect(await ages('read_request', 'requested_at')).toEqual([60]);
    expect(await ages('reply_fragment', 'received_at')).toEqual([59]);
    // At least this test's old rows; batches of 2 took several statements.
    expect(deleted['phone_report']).toBeGreaterThanOrEqual(3);
    expect(deleted['contact_me_attempt']).toBeGreaterThanOrEqual(1);
  });
});
