import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
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
import { Outbox } from '@workpoint/database';
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
let sync: ConfigurationSync;
let logger: ReturnType<typeof capturingLogger>['logger'];
const contactMe: ContactMeRequested[] = [];

beforeAll(async () => {
  const secretKey = randomBytes(32).toString('base64');
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, () => ConfigurationModule.forRoot({ secretKey }));
  await h.bus.ensureTopics([ContactMeRequestedTopic]);
  await h.bus.subscribe({ topic: ContactMeRequestedTopic, groupId: randomId('contact-me'), fromBeginning: true, handle: async ({ value }) => void contactMe.push(value) });
  logger = capturingLogger('fanout-int').logger;
  const store = new DesiredStateStore(h.dataSource);
  const outbox = new Outbox(h.dataSource, h.bus, logger, [ConfigAppliedTopic, DriftDetectedTopic, FaultRaisedTopic] as TopicContract<unknown>[]);
  sync = new ConfigurationSync(store, SecretBox.fromBase64(secretKey), outbox, new BusJobEvents('configuration', h.bus), logger);
  fanout = new ChangeFanout(h.dataSource, sync, logger, { dormantAfterMs: storage.DORMANT_AFTER_HOURS * HOUR, clock: () => now });
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

describe('durable re-plan after a change', () => {
  /** A ChangeFanout in a Nest context of its own (its relay starts and stops with it), batches of 10. */
  async function fanoutApp(resync: ConfigurationSync['resync']) {
    const relay = new ChangeFanout(h.dataSource, { resync }, logger, { dormantAfterMs: storage.DORMANT_AFTER_HOURS * HOUR, clock: () => now, concurrency: 8, batchSize: 10 });
    const app = await Test.createTestingModule({ providers: [{ provide: ChangeFanout, useValue: relay }] }).compile();
    await app.init();
    return { relay, app };
  }
  const progress = async (cause: string) =>
    ((await h.dataSource.query('SELECT phones_done, done_at IS NOT NULL AS done FROM change_fanout WHERE cause = $1', [cause])) as Array<{ phones_done: number; done: boolean }>)[0];
  const asked = async (macs: string[]) => Number(((await h.dataSource.query('SELECT count(*) AS n FROM managed_phone WHERE mac = ANY($1) AND call_back_asked_at IS NOT NULL', [macs])) as Array<{ n: string }>)[0]!.n);

  it('records the fan-out with the change, and completes one interrupted by closing the app after the restart', async () => {
    const model = randomId('model');
    const macs = distinctMacs(35);
    for (const mac of macs) await addPhone(mac, model, { lastContactAt: ago(3 * DAY), interactions: 2 });
    const profile = randomId('profile');
    const cause = `test: ${profile} changed`;

    // The first app is closed as its relay starts the second batch: that batch is finished and committed, no other is started.
    let calls = 0;
    let closing: Promise<void> | undefined;
    const first = await fanoutApp(async (mac, why) => {
      if (++calls === 11) {
        closing = first.app.close();
        await eventually(async () => (first.relay.stopped ? true : undefined));
      }
      return sync.resync(mac, why);
    });
    const concerned = await h.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO profile (id, name, layer, selector, priority, extends, merge_indexed_groups, items, version, created_at, updated_at, updated_by)
         VALUES ($1, $2, 'model', $3, 0, '{}', false, $4, 1, now(), now(), 'fanout-int')`,
        [randomUUID(), profile, model, JSON.stringify([{ name: 'display-id', value: 'Lobby' }])],
      );
      return first.relay.start({ kind: 'profile', profile: { layer: 'model', selector: model, name: profile }, dependents: [] }, cause, tx);
    });
    expect(concerned).toBe(35);
    await eventually(async () => (closing ? true : undefined));
    await closing;
    expect(await progress(cause)).toEqual({ phones_done: 20, done: false });
    expect(await asked(macs)).toBe(20);

    const second = await fanoutApp((mac, why) => sync.resync(mac, why));
    try {
      await second.relay.settled();
      expect(await progress(cause)).toEqual({ phones_done: 35, done: true });
      expect(await asked(macs)).toBe(35);
      await eventually(async () => (macs.every((mac) => contactMe.some((c) => c.mac === mac)) ? true : undefined));
    } finally {
      await second.app.close();
    }
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
