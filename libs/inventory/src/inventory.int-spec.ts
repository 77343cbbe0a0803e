import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ContactEvent,
  type ContactMeAttempted,
  ContactMeAttemptedTopic,
  ContactMeRequestedTopic,
  deterministicEventId,
  type PhoneChangesReported,
  PhoneChangesReportedTopic,
  type PhoneRegistered,
  PhoneRegisteredTopic,
  type TopicContract,
} from '@workpoint/contracts';
import { Outbox } from '@workpoint/database';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { eventually, randomId, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { randomUUID } from 'node:crypto';
import { MAX_REPLY_FRAGMENTS } from './contact.use-case';
import { InventoryModule } from './inventory.module';

/** Fast pace and short gap, so the tests need no clock tricks. */
const CONTACT_ME_FOR_TESTS = { gapMs: 60_000, ratePerSecond: 200, maxInFlight: 16, timeoutMs: 1000, retry: { attempts: 1 } };
import { INVENTORY_SCHEMA } from './inventory.schema';

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('inventory', INVENTORY_SCHEMA, () => InventoryModule.forRoot({ contactMe: CONTACT_ME_FOR_TESTS }));
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

describe('inventory: every reason, and fragmented replies', () => {
  const reportsOfKind = (mac: string, kind: string): Promise<Array<{ items: WpiItem[] }>> =>
    h.dataSource.query('SELECT items FROM phone_report WHERE mac = $1 AND kind = $2', [mac, kind]);

  it('answers GetNextFragment until the final part, then stores and passes on the whole reply', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    await h.send(h.contact(mac, { items: basicItems(mac, true) }, interaction));
    const items = fullItems(mac);
    const parts = [items.slice(0, 5), items.slice(5, 10), items.slice(10)];
    const replies = parts.map((part, i) =>
      h.contact(
        mac,
        { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: i < parts.length - 1 ? 'next' : 'final', items: part },
        interaction,
      ),
    );
    for (const [i, reply] of replies.entries()) {
      await h.send(reply);
      if (i < replies.length - 1) expect(await h.responseTo(reply)).toMatchObject({ action: 'GetNextFragment' });
    }
    const whole = await h.passOf(replies[2]!);
    expect(whole.message.items).toEqual(items);
    const stored = await reports(mac);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.item_count).toBe(items.length);
  });

  it('cuts off a phone that never sends the final fragment', async () => {
    const mac = randomMac();
    const interaction = randomUUID();
    const next = () =>
      h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, fragment: 'next', items: [{ name: 'x', value: '1' }] }, interaction);
    await h.dataSource.query(
      `INSERT INTO reply_fragment (mac, interaction_id, action, contact_id, items, received_at)
       SELECT $1, $2, 'ReadAllItems', gen_random_uuid(), '[]'::jsonb, now() FROM generate_series(1, $3)`,
      [mac, interaction, MAX_REPLY_FRAGMENTS],
    );
    const last = next();
    await h.send(last);
    expect(await h.responseTo(last)).toMatchObject({ action: 'CleanUp', note: 'too many fragments' });
  });

  it.each([
    ['the phone\'s own clean-up', 'clean-up', 'phone clean-up acknowledged'],
    ['an unknown reason', 'phone-had-a-dream', 'unknown reason'],
  ])('answers %s with CleanUp', async (_name, reason, note) => {
    const mac = randomMac();
    const c = h.contact(mac, { reason, items: [{ name: 'mac-addr', value: mac }, { name: 'cleanup-reason', value: 'password retries exceeded' }] });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'CleanUp', note });
  });

  it('reads everything after a local change reported the old way (flag only)', async () => {
    const mac = randomMac();
    const c = h.contact(mac, { reason: 'local-changes', items: basicItems(mac, true) });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'ReadAllItems', note: 'local changes' });
  });

  it('records the attached items of a local change (V2R2+) and passes on', async () => {
    const mac = randomMac();
    const changed = [
      { name: 'dhcp', value: 'false' },
      { name: 'vlan-method', value: '0' },
    ];
    const c = h.contact(mac, {
      reason: 'local-changes',
      items: [...basicItems(mac, true), { name: 'configuration-attached-flag', value: 'true' }, { name: 'configuration-attached-number', value: '2' }, ...changed],
    });
    await h.send(c);
    await h.passOf(c);
    expect((await reportsOfKind(mac, 'local-change')).map((r) => r.items)).toEqual([changed]);
  });

  it('records an inventory change and passes on', async () => {
    const mac = randomMac();
    const c = h.contact(mac, { reason: 'inventory-changes', items: [{ name: 'mac-addr', value: mac }, { name: 'key-modules', value: '1' }] });
    await h.send(c);
    await h.passOf(c);
    expect(await reportsOfKind(mac, 'inventory-change')).toHaveLength(1);
  });
});

describe('inventory: asking phones to call back', () => {
  it('posts ContactMe=true to the contact-me-uri the phone reported, and records the outcome', async () => {
    const received: string[] = [];
    const listener = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(204, { Server: 'DlsClient' }).end();
      });
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as AddressInfo).port;
    try {
      const mac = randomMac();
      const uri = `http://127.0.0.1:${port}/contact_dls.html/ContactDLS`;
      const solicited = h.contact(mac, { reason: 'solicited', items: [...basicItems(mac, false), { name: 'contact-me-uri', value: uri }] });
      await h.send(solicited);
      await h.passOf(solicited);
      await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'test', at: new Date().toISOString() });
      const [attempt] = await eventually(async () => {
        const rows = await h.dataSource.query('SELECT * FROM contact_me_attempt WHERE mac = $1', [mac]);
        return rows.length > 0 ? rows : undefined;
      });
      expect(attempt).toMatchObject({ target: uri, attempt: 1, outcome: 'accepted', http_status: 204, final: true });
      expect(received).toEqual(['POST /contact_dls.html/ContactDLS ContactMe=true']);
    } finally {
      listener.close();
    }
  });

  it('records that a phone without a known contact-me-uri cannot be asked', async () => {
    const mac = randomMac();
    await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'test', at: new Date().toISOString() });
    const [attempt] = await eventually(async () => {
      const rows = await h.dataSource.query('SELECT * FROM contact_me_attempt WHERE mac = $1', [mac]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(attempt).toMatchObject({ outcome: 'no-target', final: true });
  });
});

describe('inventory: contact-me only where the phone is', () => {
  const attempted: ContactMeAttempted[] = [];
  beforeAll(async () => {
    await h.bus.subscribe({ topic: ContactMeAttemptedTopic, groupId: randomId('attempted'), fromBeginning: true, handle: async ({ value }) => void attempted.push(value) });
  });

  /** A loopback HTTP server that records every request: proof that nothing was sent. */
  async function listening() {
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { received, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
  const fromAddress = (remoteAddress: string, mac: string, items: WpiItem[]): ContactEvent => ({ ...h.contact(mac, { reason: 'solicited', items }), remoteAddress });
  const firstAttempt = (mac: string) =>
    eventually(async () => {
      const rows: Array<Record<string, unknown>> = await h.dataSource.query('SELECT * FROM contact_me_attempt WHERE mac = $1', [mac]);
      return rows.length > 0 ? rows : undefined;
    });

  it.each([
    ['the metadata address', () => 'http://169.254.169.254/latest', 'cloud metadata address 169.254.169.254'],
    ['the operator API on loopback', (port: number) => `http://127.0.0.1:${port}/api`, "loopback 127.0.0.1 is not the phone's address"],
  ])('refuses %s reported from 10.1.2.3: invalid-target, stored and published, no request', async (_name, uriFor, reason) => {
    const api = await listening();
    try {
      const mac = randomMac();
      const contact = fromAddress('10.1.2.3', mac, [...basicItems(mac, false), { name: 'contact-me-uri', value: uriFor(api.port) }]);
      await h.send(contact);
      await h.passOf(contact);
      const [phone] = await h.dataSource.query('SELECT contact_me_uri, contact_me_refusal, last_remote_address FROM phone WHERE mac = $1', [mac]);
      expect(phone).toEqual({ contact_me_uri: null, contact_me_refusal: reason, last_remote_address: '10.1.2.3' });

      await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'test', at: new Date().toISOString() });
      const rows = await firstAttempt(mac);
      expect(rows).toEqual([expect.objectContaining({ target: '', attempt: 1, outcome: 'invalid-target', detail: reason, http_status: null, final: true })]);
      const published = await eventually(async () => attempted.find((a) => a.mac === mac));
      expect(published).toMatchObject({ target: '', outcome: 'invalid-target', detail: reason, final: true });
      // Never retried: a second request is refused the same way, and nothing reached the listener.
      await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'test', at: new Date().toISOString() });
      await eventually(async () => ((await h.dataSource.query('SELECT 1 FROM contact_me_attempt WHERE mac = $1', [mac])).length === 2 ? true : undefined));
      expect(api.received).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('checks the stored target again at the request: a phone now calling from elsewhere is not asked at its old address', async () => {
    const phoneListener = await listening();
    try {
      const mac = randomMac();
      const uri = `http://127.0.0.1:${phoneListener.port}/contact_dls.html/ContactDLS`;
      const atHome = fromAddress('127.0.0.1', mac, [...basicItems(mac, false), { name: 'contact-me-uri', value: uri }]);
      await h.send(atHome);
      await h.passOf(atHome);
      // The same phone, now calling from another address, without reporting a new contact-me-uri.
      const moved = fromAddress('10.1.2.3', mac, basicItems(mac, false));
      await h.send(moved);
      await h.passOf(moved);
      const [phone] = await h.dataSource.query('SELECT contact_me_uri, last_remote_address FROM phone WHERE mac = $1', [mac]);
      expect(phone).toEqual({ contact_me_uri: uri, last_remote_address: '10.1.2.3' });

      await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: 'test', at: new Date().toISOString() });
      expect(await firstAttempt(mac)).toEqual([
        expect.objectContaining({ target: uri, attempt: 1, outcome: 'invalid-target', detail: "loopback 127.0.0.1 is not the phone's address", final: true }),
      ]);
      expect(phoneListener.received).toEqual([]);
    } finally {
      await phoneListener.close();
    }
  });

  it('stores the documented path for a contact-me-uri without one', async () => {
    const mac = randomMac();
    const contact = fromAddress('127.0.0.1', mac, [...basicItems(mac, false), { name: 'contact-me-uri', value: 'http://127.0.0.1:8085' }]);
    await h.send(contact);
    await h.passOf(contact);
    const [phone] = await h.dataSource.query('SELECT contact_me_uri FROM phone WHERE mac = $1', [mac]);
    expect(phone).toEqual({ contact_me_uri: 'http://127.0.0.1:8085/contact_dls.html/ContactDLS' });
  });
});

describe('inventory: values longer than their columns', () => {
  it('keeps none of them, warns once each, and the phone (and its partition) go on at once', async () => {
    const mac = randomMac();
    const long = [
      { name: 'mac-addr', value: mac },
      { name: 'e164', value: '4'.repeat(65) },
      { name: 'device-type', value: 'D'.repeat(300) },
      { name: 'software-version', value: 'V3 R5.12.0' },
      { name: 'contact-me-uri', value: `http://127.0.0.1:8085/${'p'.repeat(300)}` },
      { name: 'configuration-changed-flag', value: 'false' },
    ];
    const startUp = h.contact(mac, { items: long });
    await h.send(startUp);
    // Answered by inventory itself (a new phone is read), not by a failure path.
    expect(await h.responseTo(startUp)).toMatchObject({ action: 'ReadAllItems', respondedBy: 'inventory' });
    const [phone] = await h.dataSource.query('SELECT e164, device_type, software_version, contact_me_uri, contact_me_refusal FROM phone WHERE mac = $1', [mac]);
    expect(phone).toEqual({ e164: null, device_type: null, software_version: 'V3 R5.12.0', contact_me_uri: null, contact_me_refusal: 'longer than 255 characters' });
    // Handled once: a retried handler would have warned again.
    const warnings = h.logLines.filter((l) => l.includes(mac) && l.includes('longer than inventory keeps'));
    expect(warnings.map((l) => (JSON.parse(l) as { item: string }).item).sort()).toEqual(['device-type', 'e164']);
    expect(warnings.join('\n')).not.toContain('DDDD');

    // The next contact of the same phone (same key, same partition) is served normally.
    const next = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(next);
    expect(await h.responseTo(next)).toMatchObject({ action: 'ReadAllItems', respondedBy: 'inventory' });
    const [after] = await h.dataSource.query('SELECT device_type FROM phone WHERE mac = $1', [mac]);
    expect(after).toEqual({ device_type: 'OpenStage 60' });
  });
});

describe('inventory: integration events', () => {
  const registered: PhoneRegistered[] = [];
  const changes: PhoneChangesReported[] = [];
  beforeAll(async () => {
    await h.bus.subscribe({ topic: PhoneRegisteredTopic, groupId: randomId('registered'), fromBeginning: true, handle: async ({ value }) => void registered.push(value) });
    await h.bus.subscribe({ topic: PhoneChangesReportedTopic, groupId: randomId('changes'), fromBeginning: true, handle: async ({ value }) => void changes.push(value) });
  });

  /**
   * Every event published for the phone so far. The outbox's relay is made to finish a pass
   * that began after the test's contacts were handled; a marker published then lands on the
   * phone's partition behind their events, so once it arrives nothing earlier is on its way.
   */
  async function publishedFor<T extends { mac: string; eventId: string }>(topic: TopicContract<T>, seen: T[], marker: T): Promise<T[]> {
    await relayed();
    await h.bus.publish(topic, marker.mac, marker);
    await eventually(async () => seen.find((e) => e.eventId === marker.eventId));
    return seen.filter((e) => e.mac === marker.mac && e.eventId !== marker.eventId);
  }
  const registeredFor = (mac: string) =>
    publishedFor(PhoneRegisteredTopic, registered, { eventId: randomUUID(), occurredAt: new Date().toISOString(), mac, contactId: randomUUID() });
  const changesFor = (mac: string) =>
    publishedFor(PhoneChangesReportedTopic, changes, { eventId: randomUUID(), occurredAt: new Date().toISOString(), mac, kind: 'inventory-changes', items: [], contactId: randomUUID() });
  /** Returns once a pass of the outbox's relay that began after this call has ended. */
  const relayed = async (): Promise<void> => {
    const outbox = h.app.get(Outbox);
    // The first may be a pass already under way (it took its rows before ours committed); the second is not.
    await outbox.flush();
    await outbox.flush();
  };
  const answeredTwice = (c: ContactEvent) => eventually(async () => (h.responses.filter((r) => r.contactId === c.contactId).length >= 2 ? true : undefined));
  const passedTwice = (c: ContactEvent) => eventually(async () => (h.passed.filter((p) => p.contactId === c.contactId).length >= 2 ? true : undefined));

  it('publishes one registered event for a new phone, even when its start-up is delivered twice', async () => {
    const mac = randomMac();
    const startUp = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(startUp);
    await h.responseTo(startUp);
    await h.send(startUp);
    await answeredTwice(startUp);
    expect(await registeredFor(mac)).toEqual([
      {
        eventId: deterministicEventId(startUp.contactId, PhoneRegisteredTopic.name),
        occurredAt: startUp.receivedAt,
        mac,
        deviceType: 'OpenStage 60',
        softwareVersion: 'V3 R5.12.0',
        e164: '4989722',
        contactId: startUp.contactId,
      },
    ]);
  });

  it('publishes nothing when a known phone starts up', async () => {
    const mac = randomMac();
    const first = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(first);
    await h.responseTo(first);
    const again = h.contact(mac, { items: basicItems(mac, true) });
    await h.send(again);
    await h.responseTo(again);
    expect((await registeredFor(mac)).map((e) => e.contactId)).toEqual([first.contactId]);
  });

  it('sends the registration again with the same eventId and headers when its outbox row is re-sent', async () => {
    const mac = randomMac();
    const startUp = h.contact(mac, { items: basicItems(mac, false) });
    await h.send(startUp);
    await h.responseTo(startUp);
    await relayed();
    // What a crash between the broker's acknowledgement and the relay's bookkeeping leaves behind.
    await h.dataSource.query(`UPDATE outbox SET published_at = NULL WHERE key = $1 AND topic = $2`, [mac, PhoneRegisteredTopic.name]);
    const events = await registeredFor(mac);
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
    expect(events[0]!.eventId).toBe(deterministicEventId(startUp.contactId, PhoneRegisteredTopic.name));
  });

  it('publishes the attached items of a local change once, with secrets masked', async () => {
    const mac = randomMac();
    const changed = [
      { name: 'dhcp', value: 'false' },
      { name: 'sip-pwd', value: 'hunter2' },
    ];
    const c = h.contact(mac, {
      reason: 'local-changes',
      items: [...basicItems(mac, false), { name: 'configuration-attached-flag', value: 'true' }, { name: 'configuration-attached-number', value: '2' }, ...changed],
    });
    await h.send(c);
    await h.passOf(c);
    await h.send(c);
    await passedTwice(c);
    const events = await changesFor(mac);
    expect(events).toEqual([
      {
        eventId: deterministicEventId(c.contactId, PhoneChangesReportedTopic.name),
        occurredAt: c.receivedAt,
        mac,
        kind: 'local-changes',
        items: [
          { name: 'dhcp', value: 'false' },
          { name: 'sip-pwd', value: '***' },
        ],
        contactId: c.contactId,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('publishes an inventory change, and nothing for a local change reported the old way (flag only)', async () => {
    const mac = randomMac();
    const flagOnly = h.contact(mac, { reason: 'local-changes', items: basicItems(mac, true) });
    await h.send(flagOnly);
    await h.responseTo(flagOnly);
    const inventory = h.contact(mac, { reason: 'inventory-changes', items: [{ name: 'mac-addr', value: mac }, { name: 'key-modules', value: '1' }] });
    await h.send(inventory);
    await h.passOf(inventory);
    expect(await changesFor(mac)).toEqual([expect.objectContaining({ kind: 'inventory-changes', contactId: inventory.contactId, items: inventory.message.items })]);
  });
});
