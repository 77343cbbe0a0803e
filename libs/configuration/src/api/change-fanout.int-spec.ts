import { randomBytes, randomUUID } from 'node:crypto';
import { SecretBox } from '@workpoint/contact-pipeline';
import { BusJobEvents } from '@workpoint/jobs';
import { StorageEnvSchema } from '@workpoint/config';
import { ConfigAppliedTopic, type ContactMeRequested, ContactMeRequestedTopic, DriftDetectedTopic, FaultRaisedTopic, type TopicContract } from '@workpoint/contracts';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { capturingLogger, distinctMacs, eventually, randomId } from '@workpoint/testing';
import { ConfigurationModule, configurationRetention } from '../configuration.module';
import { CONFIGURATION_SCHEMA } from '../configuration.schema';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { DesiredStateStore } from '../desired-state/desired-state.store';
import { ConfigurationOutbox } from '../desired-state/outbox';
import { ChangeFanout } from './change-fanout';

// Fleet-wide re-plans skip dormant one-off phones, and the configuration service's retention
// job, on the real broker (contact-me requests are read back from their topic) and database.
// Every phone here has a device type of its own, so the model-layer profile reaches only them.

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const storage = StorageEnvSchema.parse({});

let h: StageHarness;
let fanout: ChangeFanout;
const contactMe: ContactMeRequested[] = [];

beforeAll(async () => {
  const secretKey = randomBytes(32).toString('base64');
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, (d) => ConfigurationModule.register(d, { secretKey }));
  await h.bus.ensureTopics([ContactMeRequestedTopic]);
  await h.bus.subscribe({ topic: ContactMeRequestedTopic, groupId: randomId('contact-me'), fromBeginning: true, handle: async ({ value }) => void contactMe.push(value) });
  const { logger } = capturingLogger('fanout-int');
  const store = new DesiredStateStore(h.dataSource);
  const outbox = new ConfigurationOutbox(h.dataSource, h.bus, logger, [ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic] as TopicContract<unknown>[]);
  const sync = new ConfigurationSync(store, SecretBox.fromBase64(secretKey), outbox, new BusJobEvents('configuration', h.bus), logger);
  fanout = new ChangeFanout(h.dataSource, sync, logger, storage.DORMANT_AFTER_HOURS * HOUR, () => now);
});
afterAll(() => h?.close());

/** The contact-me requests for `mac` so far: a marker published now arrives after all of them (same key, same partition). */
async function askedToCallBack(mac: string): Promise<boolean> {
  const marker = `marker-${randomUUID()}`;
  await h.bus.publish(ContactMeRequestedTopic, mac, { mac, requestedBy: marker, at: new Date().toISOString() });
  await eventually(async () => contactMe.find((c) => c.requestedBy === marker));
  return contactMe.some((c) => c.mac === mac && c.requestedBy !== marker);
}

interface PhoneRow {
  lastContactAt: Date;
  interactions: number;
  callBackAskedAt?: Date;
  assigned?: boolean;
}

async function addPhone(mac: string, model: string, p: PhoneRow): Promise<void> {
  await h.dataSource.query(
    `INSERT INTO managed_phone (mac, device_type, first_seen_at, last_contact_at, interactions, call_back_asked_at, assigned_at, assignment_version, updated_at)
     VALUES ($1, $2, $3, $3, $4, $5, $6, $7, now())`,
    [mac, model, p.lastContactAt, p.interactions, p.callBackAskedAt ?? null, p.assigned ? ago(10 * DAY) : null, p.assigned ? 1 : 0],
  );
}

describe('fleet-wide re-plans and dormant one-off phones', () => {
  it('asks an active phone to call back on a fleet-wide change, and not a dormant one-off phone', async () => {
    const model = randomId('model');
    const [active, dormant, oneOffNeverAsked, assignedOneOff, askedRecently] = distinctMacs(5) as [string, string, string, string, string];
    await addPhone(active, model, { lastContactAt: ago(3 * DAY), interactions: 2, callBackAskedAt: ago(2 * DAY) });
    await addPhone(dormant, model, { lastContactAt: ago(3 * DAY), interactions: 1, callBackAskedAt: ago(2 * DAY) });
    await addPhone(oneOffNeverAsked, model, { lastContactAt: ago(3 * DAY), interactions: 1 });
    await addPhone(assignedOneOff, model, { lastContactAt: ago(3 * DAY), interactions: 1, callBackAskedAt: ago(2 * DAY), assigned: true });
    await addPhone(askedRecently, model, { lastContactAt: ago(3 * DAY), interactions: 1, callBackAskedAt: ago(HOUR) });
    const profile = randomId('profile');
    await h.dataSource.query(
      `INSERT INTO profile (id, name, layer, selector, priority, extends, merge_indexed_groups, items, version, created_at, updated_at, updated_by)
       VALUES ($1, $2, 'model', $3, 0, '{}', false, $4, 1, now(), now(), 'fanout-int')`,
      [randomUUID(), profile, model, JSON.stringify([{ name: 'display-id', value: 'Reception' }])],
    );

    const concerned = await fanout.start({ kind: 'profile', profile: { layer: 'model', selector: model, name: profile }, dependents: [] }, 'test: model profile changed');
    await fanout.settled();

    expect(concerned).toBe(4);
    expect(await askedToCallBack(active)).toBe(true);
    expect(await askedToCallBack(oneOffNeverAsked)).toBe(true);
    expect(await askedToCallBack(assignedOneOff)).toBe(true);
    expect(await askedToCallBack(askedRecently)).toBe(true);
    expect(await askedToCallBack(dormant)).toBe(false);
    const [dormantRow] = (await h.dataSource.query('SELECT sync_job_id FROM managed_phone WHERE mac = $1', [dormant])) as Array<{ sync_job_id: string | null }>;
    expect(dormantRow!.sync_job_id).toBeNull();
    // The first unanswered call-back starts the clock; a later one does not move it.
    const asked = (await h.dataSource.query('SELECT mac, call_back_asked_at FROM managed_phone WHERE mac = ANY($1)', [[oneOffNeverAsked, askedRecently]])) as Array<{ mac: string; call_back_asked_at: Date }>;
    expect(Object.fromEntries(asked.map((r) => [r.mac, r.call_back_asked_at.getTime()]))).toEqual({ [oneOffNeverAsked]: now.getTime(), [askedRecently]: ago(HOUR).getTime() });
    // A change that names the phone still reaches it.
    expect(await fanout.affected({ kind: 'macs', macs: [dormant] })).toEqual([dormant]);
  });

  it('counts a phone\'s interactions and forgets the call-back once it is in touch again', async () => {
    const [mac] = distinctMacs(1) as [string];
    await addPhone(mac, randomId('model'), { lastContactAt: ago(3 * DAY), interactions: 1, callBackAskedAt: ago(2 * DAY) });
    const store = new DesiredStateStore(h.dataSource);
    const state = { observed: {}, applied: {}, faults: {} };
    const interaction = randomUUID();
    for (const id of [interaction, interaction, randomUUID()]) {
      await h.dataSource.transaction((tx) => store.savePhoneState(tx, mac, { state, drift: [], syncJobId: null, contactAt: new Date(), interactionId: id }));
    }
    const [row] = (await h.dataSource.query('SELECT interactions, call_back_asked_at FROM managed_phone WHERE mac = $1', [mac])) as Array<{ interactions: number; call_back_asked_at: Date | null }>;
    expect(row).toEqual({ interactions: 3, call_back_asked_at: null });
  });
});

describe('configuration retention', () => {
  it('deletes old phone history and old completed jobs only', async () => {
    const [mac] = distinctMacs(1) as [string];
    const history = (at: Date) => h.dataSource.query(`INSERT INTO phone_history (mac, at, kind, detail) VALUES ($1, $2, 'report', '{}') RETURNING id`, [mac, at]);
    await history(ago(91 * DAY));
    await history(ago(89 * DAY));
    const job = (state: string, createdAt: Date, completedAt: Date | null) =>
      h.dataSource.query(`INSERT INTO configuration_job (mac, action, items, state, created_at, completed_at, outcome) VALUES ($1, 'ReadItems', '[]', $2, $3, $4, $5)`, [
        mac,
        state,
        createdAt,
        completedAt,
        completedAt ? 'accepted' : null,
      ]);
    await job('done', ago(40 * DAY), ago(31 * DAY));
    await job('done', ago(40 * DAY), ago(29 * DAY));
    await job('queued', ago(40 * DAY), null);
    await job('sent', ago(40 * DAY), null);

    const deleted = await configurationRetention({ dataSource: h.dataSource, logger: capturingLogger().logger }, storage).runOnce(now);

    const days = (rows: Array<{ at: Date | null }>) => rows.map((r) => (r.at ? Math.round((now.getTime() - r.at.getTime()) / DAY) : null));
    expect(days(await h.dataSource.query('SELECT at FROM phone_history WHERE mac = $1', [mac]))).toEqual([89]);
    expect(days(await h.dataSource.query('SELECT completed_at AS at FROM configuration_job WHERE mac = $1 ORDER BY id', [mac]))).toEqual([29, null, null]);
    expect(deleted['phone_history']).toBeGreaterThanOrEqual(1);
    expect(deleted['configuration_job']).toBeGreaterThanOrEqual(1);
  });
});
