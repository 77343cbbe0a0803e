import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ConfigApplied,
  ConfigAppliedTopic,
  type ContactEvent,
  type DriftDetected,
  DriftDetectedTopic,
  type FaultRaised,
  FaultRaisedTopic,
  type PhoneResponse,
} from '@workpoint/contracts';
import type { Bus } from '@workpoint/messaging';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { eventually, infraFromEnv, randomId, randomMac } from '@workpoint/testing';
import { itemWith, type WpiItem } from '@workpoint/wpi-codec';
import { DataSource } from 'typeorm';
import { ConfigurationModule } from '../configuration.module';
import { CONFIGURATION_SCHEMA } from '../configuration.schema';
import { itemKey } from '../profiles/item-key';
import { SecretBox } from '@workpoint/contact-pipeline';
import type { StoredItem } from './stored-profile';

/*
 * Delivery of the desired configuration, end to end through the configuration stage on the real
 * broker and database: profiles and assignments go in as rows, contacts go in as the phone's
 * messages, and what comes out is the phone's next message, the rows and the integration events.
 *
 * The suite has a database of its own: a fleet profile applies to every phone of the database
 * it is in, so in the shared one it would change what every other suite's phones are sent.
 * (Suites of one stage never run at once: they would share its consumer group; the integration
 * tier runs one file at a time.)
 */

const SECRET_KEY = randomBytes(32);
const box = new SecretBox(SECRET_KEY);
const E164 = '+4989700001';

let h: StageHarness;
let sharedUrl: string;
let ownDatabase: string;
const events = { applied: [] as ConfigApplied[], drift: [] as DriftDetected[], faults: [] as FaultRaised[] };

/**
 * While `on`, the stage's publishes to the integration topics are refused, as by a broker that
 * is away for them (the real broker stays up for the pipeline itself). The stage's bus is the
 * process's (StageCoreModule's BUS), so its publish is wrapped in place.
 */
const outage = { on: false, refused: 0 };
const INTEGRATION = new Set([ConfigAppliedTopic.name, DriftDetectedTopic.name, FaultRaisedTopic.name]);
function withOutage(bus: Bus): void {
  const publish = bus.publish.bind(bus);
  bus.publish = (topic, key, value, headers) => {
    if (outage.on && INTEGRATION.has(topic.name)) {
      outage.refused++;
      return Promise.reject(new Error('broker unavailable (test outage)'));
    }
    return publish(topic, key, value, headers);
  };
}
/** Every secret value this suite puts in a profile: none may reach a log line. */
const secrets: string[] = [];

beforeAll(async () => {
  sharedUrl = infraFromEnv().databaseUrl;
  ownDatabase = `delivery_int_${randomBytes(4).toString('hex')}`;
  await withServer(sharedUrl, (db) => db.query(`CREATE DATABASE "${ownDatabase}"`));
  const url = new URL(sharedUrl);
  url.pathname = `/${ownDatabase}`;
  process.env['DATABASE_URL'] = url.toString();
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, (d) => {
    withOutage(d.bus);
    return ConfigurationModule.forRoot({ secretKey: SECRET_KEY.toString('base64') });
  });
  const group = (name: string) => `${h.gatewayId}-${name}`;
  await h.bus.subscribe({ topic: ConfigAppliedTopic, groupId: group('applied'), fromBeginning: true, handle: async ({ value }) => void events.applied.push(value) });
  await h.bus.subscribe({ topic: DriftDetectedTopic, groupId: group('drift'), fromBeginning: true, handle: async ({ value }) => void events.drift.push(value) });
  await h.bus.subscribe({ topic: FaultRaisedTopic, groupId: group('faults'), fromBeginning: true, handle: async ({ value }) => void events.faults.push(value) });
  await addProfile('fleet', FLEET);
}, 180_000);

afterAll(async () => {
  await h?.close();
  process.env['DATABASE_URL'] = sharedUrl;
  if (ownDatabase) await withServer(sharedUrl, (db) => db.query(`DROP DATABASE IF EXISTS "${ownDatabase}" WITH (FORCE)`));
});

/** What every phone of this suite's database gets: two settings and function keys 1 and 3. */
const FLEET: StoredItem[] = [
  { name: 'sntp-addr', value: 'ntp.fleet.example' },
  { name: 'sntp-tz-offset', value: '60' },
  { name: 'function-key-def', index: 1, value: '1' },
  { name: 'key-label', index: 1, value: 'Fleet 1' },
  { name: 'function-key-def', index: 3, value: '1' },
  { name: 'key-label', index: 3, value: 'Fleet 3' },
];
/** The fleet items as a phone that has them reports them. */
const HAS_FLEET: WpiItem[] = FLEET.map((i) => itemWith(i, { value: i.value ?? null }));

describe('delivery of the desired configuration on Kafka and PostgreSQL', () => {
  it('answers a full report with a WriteItems of exactly the differing items: layers, a function-key family as one unit, templates, the secret in clear to the phone only', async () => {
    const tag = randomId('team');
    await addProfile('group', [
      { name: 'sntp-tz-offset', value: '120' },
      { name: 'function-key-def', index: 1, value: '31' },
      { name: 'select-dial', index: 1, value: '100' },
      { name: 'key-label', index: 1, value: 'Team' },
      { name: 'function-key-def', index: 2, value: '31' },
      { name: 'select-dial', index: 2, value: '200' },
      { name: 'key-label', index: 2, value: 'Desk' },
    ], tag);
    const pwd = secret();
    const mac = await addPhone({ tags: [tag], profiles: [await addProfile('phone', [{ name: 'display-id', value: '{{e164}}' }, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-pwd', sealed: box.seal(pwd) }])] });

    const report = fullReport(mac, [
      { name: 'sntp-addr', value: 'ntp.fleet.example' },
      { name: 'sntp-tz-offset', value: '60' },
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'select-dial', index: 1, value: '' },
      { name: 'key-label', index: 1, value: 'Fleet 1' },
      { name: 'function-key-def', index: 2, value: '31' },
      { name: 'select-dial', index: 2, value: '200' },
      { name: 'key-label', index: 2, value: 'Desk' },
      // The group sets function keys, so the fleet's key 3 is no longer wanted: not written though it differs.
      { name: 'function-key-def', index: 3, value: '0' },
      { name: 'key-label', index: 3, value: '' },
      { name: 'display-id', value: '' },
      { name: 'reg-addr', value: 'sip.example.net' },
    ]);
    expectWrite(await exchange(report), [
      { name: 'display-id', value: E164 },
      { name: 'function-key-def', index: 1, value: '31' },
      { name: 'key-label', index: 1, value: 'Team' },
      { name: 'select-dial', index: 1, value: '100' },
      { name: 'sip-pwd', value: pwd },
      { name: 'sntp-tz-offset', value: '120' },
    ]);

    const [job] = await jobsOf(mac);
    const stored = job!.items.find((i) => i.name === 'sip-pwd')!;
    expect(SecretBox.isSealed(stored.value)).toBe(true);
    expect(box.open(stored.value!)).toBe(pwd);
    expect(JSON.stringify(job!.items)).not.toContain(pwd);
  });

  it('completes the sync job when the phone accepts it: no drift left, config.applied with secrets masked, and nothing more to write on the next contact', async () => {
    const pwd = secret();
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-pwd', sealed: box.seal(pwd) }])] });
    const report = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }]);
    expectWrite(await exchange(report), [
      { name: 'reg-addr', value: 'sip.example.net' },
      { name: 'sip-pwd', value: pwd },
    ]);
    expect(await eventually(async () => eventsOf(events.drift, mac)[0])).toMatchObject({
      action: 'rewrite',
      items: [
        { name: 'reg-addr', reported: 'old.example.net', desired: 'sip.example.net', policy: 'enforce' },
        { name: 'sip-pwd', reported: null, desired: '***', policy: 'enforce' },
      ],
    });

    expect(await exchange(writeReply(report))).toBe(PASSED);
    expect(await jobsOf(mac)).toMatchObject([{ state: 'done', outcome: 'accepted' }]);
    expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, fault_count: 0, sync_job_id: null });
    const applied = await eventually(async () => eventsOf(events.applied, mac)[0]);
    expect(applied).toMatchObject({ outcome: 'accepted', written: 2, refused: [] });
    expect(sorted(applied.items)).toEqual([
      { name: 'reg-addr', value: 'sip.example.net' },
      { name: 'sip-pwd', value: '***' },
    ]);

    expect(await exchange(h.contact(mac, { reason: 'solicited', items: basics() }))).toBe(PASSED);
    expect(await jobsOf(mac)).toHaveLength(1);
  });

  it('loses no integration event while the broker refuses them: the state is committed, the events go out once it is back', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.outage.example' }])] });
    const report = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }]);
    outage.on = true;
    outage.refused = 0;
    try {
      expectWrite(await exchange(report), [{ name: 'reg-addr', value: 'sip.outage.example' }]);
      expect(await exchange(writeReply(report))).toBe(PASSED);
      expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, sync_job_id: null });
      await eventually(async () => (outage.refused > 0 ? true : undefined));
      const waiting = (await h.dataSource.query(`SELECT topic FROM outbox WHERE key = $1 AND published_at IS NULL ORDER BY id`, [mac])) as { topic: string }[];
      expect(waiting.map((w) => w.topic)).toEqual([DriftDetectedTopic.name, ConfigAppliedTopic.name]);
      expect(eventsOf(events.drift, mac)).toEqual([]);
      expect(eventsOf(events.applied, mac)).toEqual([]);
    } finally {
      outage.on = false;
    }
    expect(await eventually(async () => eventsOf(events.applied, mac)[0])).toMatchObject({ outcome: 'accepted', written: 1 });
    expect(await eventually(async () => eventsOf(events.drift, mac)[0])).toMatchObject({ action: 'rewrite', items: [{ name: 'reg-addr', reported: 'old.example.net' }] });
    // The relay marks a row published only after the broker acknowledged it, so the mark may
    // land just after the event is seen: wait for every row to be marked.
    const unpublished = async () => ((await h.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE key = $1 AND published_at IS NULL`, [mac])) as [{ n: number }])[0].n;
    await eventually(async () => ((await unpublished()) === 0 ? true : undefined));
    expect(await unpublished()).toBe(0);
  });

  it('keeps an item the phone refused as a fault and does not offer it again until the wanted value changes, while other drift is still written', async () => {
    const profile = await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'reg-port', value: '5061' }]);
    const mac = await addPhone({ profiles: [profile] });
    const first = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }, { name: 'reg-port', value: '5060' }]);
    expectWrite(await exchange(first), [
      { name: 'reg-addr', value: 'sip.example.net' },
      { name: 'reg-port', value: '5061' },
    ]);
    expect(await exchange(writeReply(first, 'accepted', [{ name: 'reg-port', value: null, status: 'read only' }]))).toBe(PASSED);

    expect(await phoneRow(mac)).toMatchObject({ fault_count: 1, drift_count: 0, faults: { 'reg-port': { name: 'reg-port', status: 'read only' } } });
    expect(await eventually(async () => eventsOf(events.faults, mac)[0])).toMatchObject({ item: { name: 'reg-port' }, status: 'read only', value: '5061' });
    expect(await eventually(async () => eventsOf(events.applied, mac)[0])).toMatchObject({ outcome: 'partly-accepted', written: 1, refused: [{ name: 'reg-port', status: 'read only' }] });

    // The phone still has 5060 and someone changed the time server: only the time server is written.
    const second = fullReport(mac, [...HAS_FLEET.map((i) => (i.name === 'sntp-addr' ? { ...i, value: 'ntp.elsewhere.example' } : i)), { name: 'reg-addr', value: 'sip.example.net' }, { name: 'reg-port', value: '5060' }]);
    expectWrite(await exchange(second), [{ name: 'sntp-addr', value: 'ntp.fleet.example' }]);
    expect(await exchange(writeReply(second))).toBe(PASSED);
    expect(await phoneRow(mac)).toMatchObject({ fault_count: 1 });

    // A new wanted value is offered again.
    await h.dataSource.query(`UPDATE profile SET items = $2, version = version + 1, updated_at = now() WHERE name = $1`, [profile, JSON.stringify([{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'reg-port', value: '5062' }])]);
    const third = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'reg-port', value: '5060' }]);
    expectWrite(await exchange(third), [{ name: 'reg-port', value: '5062' }]);
  });

  it('writes an enforced item back in answer to the local change that altered it', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }])] });
    await converge(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }]);

    const changed = localChanges(mac, { name: 'reg-addr', value: 'evil.example.net' });
    expectWrite(await exchange(changed), [{ name: 'reg-addr', value: 'sip.example.net' }]);
    const drift = await eventually(async () => eventsOf(events.drift, mac).find((e) => e.items.some((i) => i.reported === 'evil.example.net')));
    expect(drift).toMatchObject({ action: 'rewrite', items: [{ name: 'reg-addr', reported: 'evil.example.net', desired: 'sip.example.net', policy: 'enforce' }] });
    expect(await phoneRow(mac)).toMatchObject({ drift_count: 1 });
  });

  it('adopts a local change of an adopt item as the phone\'s override, writes nothing for it, and sees no drift in a later full report', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'ringer-melody', value: '3', policy: 'adopt' }])] });
    await converge(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'ringer-melody', value: '1' }]);

    expect(await exchange(localChanges(mac, { name: 'ringer-melody', value: '5' }))).toBe(PASSED);
    expect(await phoneRow(mac)).toMatchObject({ overrides: [{ name: 'ringer-melody', value: '5', policy: 'adopt' }], drift_count: 0 });
    expect(await eventually(async () => eventsOf(events.drift, mac).find((e) => e.action === 'adopted'))).toMatchObject({
      items: [{ name: 'ringer-melody', reported: '5', desired: '5', policy: 'adopt' }],
    });

    expect(await exchange(fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'ringer-melody', value: '5' }]))).toBe(PASSED);
    expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, drift: [] });
    expect(await jobsOf(mac)).toMatchObject([{ state: 'done' }]);
  });

  it('writes every managed item again, the secret too, after a factory reset', async () => {
    const pwd = secret();
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'display-id', value: '{{e164}}' }, { name: 'sip-pwd', sealed: box.seal(pwd) }])] });
    const everything = [...HAS_FLEET, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'display-id', value: E164 }, { name: 'sip-pwd', value: pwd }];
    expect(sorted(await converge(mac, []))).toEqual(sorted(everything));

    // Converged: the same report again writes nothing, the secret included.
    const converged = everything.filter((i) => i.name !== 'sip-pwd');
    expect(await exchange(fullReport(mac, converged))).toBe(PASSED);

    const defaults = converged.map((i) => ({ ...i, value: i.name === 'sntp-tz-offset' ? '0' : '' }));
    expectWrite(await exchange(fullReport(mac, defaults)), everything);
  });

  it('writes nothing at all to a phone whose template cannot be filled, shows a template fault, and writes everything once the user is assigned', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-user-id', value: '{{user}}' }])] });
    expect(await exchange(fullReport(mac, []))).toBe(PASSED);
    expect(await phoneRow(mac)).toMatchObject({ fault_count: 1, faults: { 'template:sip-user-id': { name: 'sip-user-id', status: 'template' } } });
    expect(await jobsOf(mac)).toEqual([]);

    await h.dataSource.query('UPDATE managed_phone SET user_name = $2, assignment_version = assignment_version + 1, assigned_at = now() WHERE mac = $1', [mac, 'alice']);
    expectWrite(await exchange(fullReport(mac, [])), [...HAS_FLEET, { name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-user-id', value: 'alice' }]);
    expect(await phoneRow(mac)).toMatchObject({ fault_count: 0, faults: {} });
  });

  it('answers a redelivered contact the same way, with one sync job', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }])] });
    const report = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }]);
    await h.send(report);
    await h.send(report);
    const [first, again] = await eventually(async () => {
      const answers = h.responses.filter((r) => r.contactId === report.contactId);
      return answers.length === 2 ? answers : undefined;
    });
    expectWrite(first!, [{ name: 'reg-addr', value: 'sip.example.net' }]);
    expect(again).toEqual(first);
    expect(await jobsOf(mac)).toHaveLength(1);

    // Redelivered once more after the phone took the write (a crash before the offset commit):
    // the old report must not put back what the phone had before.
    expect(await exchange(writeReply(report))).toBe(PASSED);
    await h.send(report);
    await eventually(async () => (h.responses.filter((r) => r.contactId === report.contactId).length === 3 ? true : undefined));
    expect(await jobsOf(mac)).toMatchObject([{ state: 'done', outcome: 'accepted' }]);
    expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, sync_job_id: null, observed: { 'reg-addr': 'sip.example.net' } });
    expect(await exchange(h.contact(mac, { reason: 'solicited', items: basics() }))).toBe(PASSED);
  });

  it('sends a sync job too large for one message in parts, each function key whole; after a failed part it keeps what the phone took and writes later what it never got', async () => {
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'reg-port', value: '5061' }])] });
    const report = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, maxItems: 3, items: basics() });
    expectWrite(await exchange(report), [
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'key-label', index: 1, value: 'Fleet 1' },
    ]);
    expectWrite(await exchange(writeReply(report)), [
      { name: 'function-key-def', index: 3, value: '1' },
      { name: 'key-label', index: 3, value: 'Fleet 3' },
      { name: 'reg-addr', value: 'sip.example.net' },
    ]);
    // The failed part's items become faults; the next sync job, sent at once, holds what the phone never got.
    expectWrite(await exchange(writeReply(report, 'failed')), [
      { name: 'reg-port', value: '5061' },
      { name: 'sntp-addr', value: 'ntp.fleet.example' },
      { name: 'sntp-tz-offset', value: '60' },
    ]);
    const row = await phoneRow(mac);
    expect(Object.keys(row['faults'] as object).sort()).toEqual(['function-key-def[3]', 'key-label[3]', 'reg-addr']);
    expect(Object.keys(row['applied'] as object).sort()).toEqual(['function-key-def[1]', 'key-label[1]']);
    expect(await eventually(async () => eventsOf(events.applied, mac)[0])).toMatchObject({ outcome: 'partly-accepted', written: 2 });
    expect(await jobsOf(mac)).toMatchObject([{ state: 'done', outcome: 'failed' }, { state: 'sent' }]);
  });

  it('keeps the sync job for a busy phone, asks it to call back, and sends the same write on the call-back', async () => {
    const pwd = secret();
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-pwd', sealed: box.seal(pwd) }])] });
    const report = fullReport(mac, [...HAS_FLEET, { name: 'reg-addr', value: 'old.example.net' }]);
    const write = await exchange(report);
    expectWrite(write, [{ name: 'reg-addr', value: 'sip.example.net' }, { name: 'sip-pwd', value: pwd }]);

    expect(await exchange(writeReply(report, 'busy'))).toMatchObject({ action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] });
    expect(await jobsOf(mac)).toMatchObject([{ state: 'queued', busy_count: 1 }]);

    const callBack = h.contact(mac, { reason: 'solicited', items: basics() });
    const again = await exchange(callBack);
    expectWrite(again, (write as PhoneResponse).items);
    expect(await exchange(writeReply(callBack))).toBe(PASSED);
    expect(await jobsOf(mac)).toMatchObject([{ state: 'done', outcome: 'accepted', busy_count: 1 }]);
    expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, fault_count: 0 });
  });

  // Runs last: it checks the log lines of everything above too.
  it('never logs a secret value, not even when the phone refuses the secret', async () => {
    const pwd = secret();
    const mac = await addPhone({ profiles: [await addProfile('phone', [{ name: 'sip-pwd', sealed: box.seal(pwd) }])] });
    const report = fullReport(mac, HAS_FLEET);
    expectWrite(await exchange(report), [{ name: 'sip-pwd', value: pwd }]);
    expect(await exchange(writeReply(report, 'accepted', [{ name: 'sip-pwd', value: null, status: 'invalid data' }]))).toBe(PASSED);
    expect(await eventually(async () => eventsOf(events.faults, mac)[0])).toMatchObject({ item: { name: 'sip-pwd' }, status: 'invalid data', value: '***' });
    expect(await eventually(async () => eventsOf(events.applied, mac)[0])).toMatchObject({ outcome: 'failed', written: 0, items: [{ name: 'sip-pwd', value: '***' }] });

    // The refusal was logged (so the log is captured), without the value.
    expect(h.logLines.some((l) => l.includes('phone refused configuration items') && l.includes(mac))).toBe(true);
    for (const value of secrets) expect(h.logLines.filter((l) => l.includes(value))).toEqual([]);
  });
});

// ---- the phone's messages -------------------------------------------------------------------

const PASSED = 'passed on' as const;

function basics(e164 = E164): WpiItem[] {
  return [
    { name: 'device-type', value: 'OpenStage 60' },
    { name: 'software-version', value: 'V3 R5.12.0' },
    { name: 'e164', value: e164 },
  ];
}

/** The phone's reply to ReadAllItems: its basic items and `items`. */
function fullReport(mac: string, items: WpiItem[]): ContactEvent {
  return h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: [...basics(), ...items] });
}

/** The phone's answer to the WriteItems sent in answer to `sent`, in the same interaction. */
function writeReply(sent: ContactEvent, status: 'accepted' | 'failed' | 'busy' = 'accepted', flagged: WpiItem[] = []): ContactEvent {
  return h.contact(
    sent.mac,
    { reason: 'reply-to', replyTo: { action: 'WriteItems', status }, maxItems: sent.message.maxItems, items: flagged, ...(status === 'busy' ? { fragment: 'final' as const } : {}) },
    sent.interactionId,
  );
}

/** A V2R2 local-changes message with one changed item attached. */
function localChanges(mac: string, changed: WpiItem): ContactEvent {
  return h.contact(mac, {
    reason: 'local-changes',
    items: [
      ...basics(),
      { name: 'configuration-changed-flag', value: 'true' },
      { name: 'configuration-attached-flag', value: 'true' },
      { name: 'configuration-attached-number', value: '1' },
      changed,
    ],
  });
}

/** Sends a contact; the stage either answers the phone or passes the contact on. */
async function exchange(contact: ContactEvent): Promise<PhoneResponse | typeof PASSED> {
  await h.send(contact);
  return eventually(async () => h.responses.find((r) => r.contactId === contact.contactId) ?? (h.passed.some((p) => p.contactId === contact.contactId) ? PASSED : undefined));
}

function expectWrite(answer: PhoneResponse | typeof PASSED, items: WpiItem[]): void {
  expect(answer).toMatchObject({ action: 'WriteItems', respondedBy: 'configuration' });
  expect(sorted((answer as PhoneResponse).items)).toEqual(sorted(items));
}

/** Full report, the write it gets, accepted as a whole: the phone then has its effective configuration. */
async function converge(mac: string, items: WpiItem[]): Promise<WpiItem[]> {
  const report = fullReport(mac, items);
  const write = await exchange(report);
  expect(write).toMatchObject({ action: 'WriteItems' });
  expect(await exchange(writeReply(report))).toBe(PASSED);
  expect(await phoneRow(mac)).toMatchObject({ drift_count: 0, fault_count: 0 });
  return (write as PhoneResponse).items;
}

const sorted = <T extends { name: string; index?: number | undefined }>(items: readonly T[]) => [...items].sort((a, b) => itemKey(a).localeCompare(itemKey(b)));

function secret(): string {
  const value = `pw-${randomBytes(9).toString('base64url')}`;
  secrets.push(value);
  return value;
}

// ---- desired state as rows, and what the stage wrote ----------------------------------------

async function addProfile(layer: 'fleet' | 'group' | 'phone', items: StoredItem[], selector: string | null = null): Promise<string> {
  const name = randomId(layer);
  await h.dataSource.query(
    `INSERT INTO profile (id, name, layer, selector, priority, extends, merge_indexed_groups, items, version, created_at, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, 0, '{}', false, $5, 1, now(), now(), 'delivery-int')`,
    [randomUUID(), name, layer, selector, JSON.stringify(items)],
  );
  return name;
}

async function addPhone(assignment: { tags?: string[]; profiles?: string[] }): Promise<string> {
  const mac = randomMac();
  await h.dataSource.query(
    `INSERT INTO managed_phone (mac, tags, profiles, assignment_version, assigned_at, updated_at) VALUES ($1, $2, $3, 1, now(), now())`,
    [mac, assignment.tags ?? [], assignment.profiles ?? []],
  );
  return mac;
}

async function phoneRow(mac: string): Promise<Record<string, unknown>> {
  const [row] = (await h.dataSource.query('SELECT * FROM managed_phone WHERE mac = $1', [mac])) as Record<string, unknown>[];
  return row!;
}

async function jobsOf(mac: string): Promise<Array<{ id: string; state: string; outcome: string | null; busy_count: number; items: WpiItem[] }>> {
  return h.dataSource.query('SELECT id, state, outcome, busy_count, items FROM configuration_job WHERE mac = $1 ORDER BY id', [mac]);
}

const eventsOf = <T extends { mac: string }>(list: readonly T[], mac: string) => list.filter((e) => e.mac === mac);

// ---- isolation ------------------------------------------------------------------------------

async function withServer<T>(url: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = new DataSource({ type: 'postgres', url, applicationName: 'delivery-int-admin' });
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

