import { type InteractionResult, type PhoneOptions, SimulatedPhone } from '@workpoint/phone-sim';
import { freePort } from '@workpoint/stack';
import { randomMac } from '@workpoint/testing';
import { itemValue, type WpiItem } from '@workpoint/wpi-codec';
import { expectedStoredItems } from './phone-fleet';
import {
  allGatewaysAnswer,
  asStored,
  awaitContactMeAttempt,
  awaitJob,
  callBack,
  Cleanup,
  distributed,
  embedded,
  interactionOfCookie,
  jobCommand,
  jobRow,
  jobsOf,
  notAPhone,
  queueJob,
  reachablePhone,
  reportsOf,
  type RunningMode,
} from './conformance-harness';

/**
 * Conformance: every flow of protocol.md §6 (secure mode §6.10 excepted) end to end, and the
 * bad inputs a phone (or a phone's network) can produce, each against the distributed stack
 * (separate processes, real Kafka and PostgreSQL) and the embedded mode. Phones are the
 * project's simulator; jobs come in as command events, as other systems send them; outcomes
 * are read from the services' own tables. Every test has its own phone (MAC).
 */

/** A phone's interaction went as the protocol says: HTTP 200, nonce echoed, ended properly. */
function expectClean(result: InteractionResult | undefined, actions: string[]): void {
  expect(result).toBeDefined();
  expect({ error: result!.error, actions: result!.actions }).toEqual({ error: undefined, actions });
  expect(result!.ok).toBe(true);
  expect(result!.exchanges.every((e) => e.httpStatus === 200 && e.nonceEchoed)).toBe(true);
}

const stepOf = (result: InteractionResult, action: string) => result.steps!.find((s) => s.action === action)!;

const FILE = (name: string): WpiItem[] => [
  { name: 'file-https-base-url', value: `https://files.workpoint.test/media/${name}` },
  { name: 'file-type', value: 'RINGTONE' },
];
const FIRMWARE = (version: string): WpiItem[] => [
  { name: 'file-https-base-url', value: 'https://files.workpoint.test/OS/SIP/OS_60_SIP.img' },
  { name: 'file-type', value: 'APP' },
  { name: 'file-sw-type', value: 'Siemens SIP' },
  { name: 'file-sw-version', value: version },
  { name: 'file-priority', value: 'immediate' },
];
const FACTORY_RESET: WpiItem[] = [
  { name: 'restart-type', value: 'FactoryReset' },
  { name: 'restart-password', value: '124816' },
];
/** A PKCS#12 blob's shape (base64); the phone only stores it. */
const WBM_CERTIFICATE = Buffer.from('workpoint e2e PKCS#12 stand-in '.repeat(8)).toString('base64');

describe.each([distributed, embedded])('WPI conformance, $name mode', (mode) => {
  let m: RunningMode;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    m = await mode.start();
  });
  afterEach(() => cleanup.run());
  afterAll(async () => {
    await m?.stop();
  });

  const phoneOptions = (extra: Partial<PhoneOptions> = {}): PhoneOptions => ({ mac: randomMac(), urls: m.stack.urls, ...extra });

  describe('§6 flows', () => {
    it('6.1 start-up: a new phone is registered, read (ReadAllItems) and released (CleanUp); a known unchanged one is not read again', async () => {
      const phone = new SimulatedPhone(phoneOptions());
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);

      const { rows } = await m.db.query('SELECT device_type, software_version, e164, contact_me_uri, last_reason FROM inventory.phone WHERE mac = $1', [phone.mac]);
      expect(rows).toEqual([
        {
          device_type: phone.deviceType,
          software_version: phone.softwareVersion,
          e164: itemValue(phone.items, 'e164'),
          contact_me_uri: itemValue(phone.items, 'contact-me-uri'),
          last_reason: 'start-up',
        },
      ]);
      expect((await reportsOf(m.db, phone.mac)).map((r) => [r.kind, r.items])).toEqual([['full', expectedStoredItems(phone.mac)]]);

      // G p.34: known, read before, configuration-changed-flag=false → nothing to read.
      expectClean(await phone.startUp(), ['CleanUp']);
      expect(await reportsOf(m.db, phone.mac)).toHaveLength(1);
    });

    it('6.2 local changes, ≤ V2R1 flag-only form: the service reads everything again (ReadAllItems → CleanUp)', async () => {
      const phone = new SimulatedPhone(phoneOptions({ family: 'openstage-40-v1' }));
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);

      const changed = await phone.localChanges({ items: [{ name: 'lldp-enabled', value: 'false' }], attached: false });
      expectClean(changed, ['ReadAllItems', 'CleanUp']);
      expect(itemValue(phone.items, 'lldp-enabled')).toBe('false');

      const reports = await reportsOf(m.db, phone.mac);
      expect(reports.map((r) => r.kind)).toEqual(['full', 'full']);
      expect(reports[1]!.items).toEqual(asStored(phone.items));
      expect(reports[1]!.items).toContainEqual({ name: 'lldp-enabled', value: 'false' });
    });

    it('6.2 local changes, ≥ V2R2 attached form: the changed items are stored as a local change and the phone gets CleanUp', async () => {
      const phone = new SimulatedPhone(phoneOptions({ family: 'openstage-60-v3' }));
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);

      const items = [
        { name: 'lldp-enabled', value: 'false' },
        { name: 'vlan-method', value: '2' },
      ];
      expectClean(await phone.localChanges({ items, attached: true }), ['CleanUp']);

      const reports = await reportsOf(m.db, phone.mac);
      expect(reports.map((r) => [r.kind, r.items])).toEqual([
        ['full', expectedStoredItems(phone.mac)],
        ['local-change', items],
      ]);
    });

    it('6.3 factory reset: Restart with restart-type=FactoryReset and restart-password, then the phone starts up with its factory items', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions(), cleanup);
      // Something the reset must undo, written in the same interaction before the reset.
      const write = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-300' }], false));
      const reset = await queueJob(m, jobCommand(phone.mac, 'Restart', FACTORY_RESET));

      const solicited = await callBack(listener);
      expectClean(solicited, ['WriteItems', 'Restart']);
      expect(solicited.endedBy).toBe('Restart');
      expect(stepOf(solicited, 'Restart').items).toEqual(FACTORY_RESET);
      expect(phone.pendingReboot).toBe('factory-reset');
      expect(await awaitJob(m.db, write, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted', item_results: [] });
      // A Restart has no reply-to: it is settled by the phone's next contact, not before.
      expect(await jobRow(m.db, reset)).toMatchObject({ state: 'sent', outcome: null });

      // After the reset the phone's configuration is not what the service last read.
      const startUp = await phone.interact('start-up', [], { configurationChanged: true });
      expectClean(startUp, ['ReadAllItems', 'CleanUp']);
      expect(await awaitJob(m.db, reset, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
      const reports = await reportsOf(m.db, phone.mac);
      expect(reports.at(-1)!.items).toEqual(asStored(phone.items));
      expect(itemValue(reports.at(-1)!.items, 'sntp-tz-offset')).not.toBe('-300');
    });

    it('6.4 contact-me: command → contact-me POST → solicited call-back → job → CleanUp', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions(), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '120' }]));

      const solicited = await callBack(listener);
      expect(listener.requests[0]).toMatchObject({ method: 'POST', path: '/contact_dls.html/ContactDLS', contactMe: true, answeredStatus: 204 });
      expect(solicited.reason).toBe('solicited');
      expectClean(solicited, ['WriteItems', 'CleanUp']);
      expect(stepOf(solicited, 'WriteItems').items).toEqual(command.items);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted', item_results: [], busy_count: 0 });
      expect(await awaitContactMeAttempt(m.db, phone.mac)).toEqual({ target: listener.url, attempt: 1, outcome: 'accepted', http_status: 204, final: true });
    });

    it('6.5 WriteItems: written items applied; `read only` and `unknown item` flagged back and recorded with the job', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { unknownItems: ['e2e-no-such-item'] } }), cleanup);
      const command = await queueJob(
        m,
        jobCommand(phone.mac, 'WriteItems', [
          { name: 'sntp-tz-offset', value: '-60' },
          { name: 'device-type', value: 'OpenStage 80' },
          { name: 'e2e-no-such-item', value: 'x' },
        ]),
      );

      const solicited = await callBack(listener);
      expectClean(solicited, ['WriteItems', 'CleanUp']);
      const problems = [
        { name: 'device-type', value: null, status: 'read only' },
        { name: 'e2e-no-such-item', value: null, status: 'unknown item' },
      ];
      expect(stepOf(solicited, 'WriteItems').answerItems).toEqual(problems);
      expect(itemValue(phone.items, 'sntp-tz-offset')).toBe('-60');
      const job = await awaitJob(m.db, command, (j) => j.state === 'done');
      expect(job.outcome).toBe('accepted');
      expect(job.item_results).toEqual(problems);
    });

    it('6.5 ReadItems: the requested items are read and recorded with the job, an `unknown item` flagged', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { unknownItems: ['e2e-no-such-item'] } }), cleanup);
      const wanted = ['sntp-tz-offset', 'e164', 'e2e-no-such-item'].map((name) => ({ name, value: null }));
      const command = await queueJob(m, jobCommand(phone.mac, 'ReadItems', wanted));

      const solicited = await callBack(listener);
      expectClean(solicited, ['ReadItems', 'CleanUp']);
      expect(stepOf(solicited, 'ReadItems').items).toEqual(wanted);
      expect(stepOf(solicited, 'ReadItems').answerItems).toEqual([
        { name: 'sntp-tz-offset', value: itemValue(phone.items, 'sntp-tz-offset') },
        { name: 'e164', value: itemValue(phone.items, 'e164') },
        { name: 'e2e-no-such-item', value: null, status: 'unknown item' },
      ]);
      const job = await awaitJob(m.db, command, (j) => j.state === 'done');
      expect(job.outcome).toBe('accepted');
      expect(job.item_results).toEqual([
        { name: 'sntp-tz-offset', value: itemValue(phone.items, 'sntp-tz-offset') },
        { name: 'e164', value: itemValue(phone.items, 'e164') },
        { name: 'e2e-no-such-item', value: null, status: 'unknown item' },
      ]);
    });

    it('6.6 Restart: the phone reboots; the job is settled by its next contact', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions(), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'Restart'));

      const solicited = await callBack(listener);
      expectClean(solicited, ['Restart']);
      expect(stepOf(solicited, 'Restart').items).toEqual([]);
      expect(phone.pendingReboot).toBe('restart');
      expect(await jobRow(m.db, command)).toMatchObject({ state: 'sent', outcome: null });

      expectClean(await phone.startUp(), ['CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
    });

    it.each([
      ['ok', 'accepted'],
      ['failed', 'failed'],
    ] as const)('6.7 FileDeployment: the phone reports `file-deployment-status=%s` in a status message; the job is %s', async (status, outcome) => {
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { fileDeploymentStatus: status } }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'FileDeployment', FILE('ringtone-e2e.wav')));

      const solicited = await callBack(listener);
      expectClean(solicited, ['FileDeployment']);
      expect(stepOf(solicited, 'FileDeployment').items).toEqual(command.items);
      const report = solicited.followUp;
      expect(report?.reason).toBe('status');
      expectClean(report, ['CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome, busy_count: 0 });
    });

    it('6.7 FileDeployment: a status sent as the next message of the same interaction settles the job too', async () => {
      // protocol.md §6.7: whether `status` comes in the same session or a new one is not stated; handle both.
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { statusInSameInteraction: true } }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'FileDeployment', FILE('ringtone-same.wav')));

      const solicited = await callBack(listener);
      expectClean(solicited, ['FileDeployment', 'CleanUp']);
      expect(solicited.exchanges.map((e) => e.sent)).toEqual(['solicited', 'status']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done', 5_000)).toMatchObject({ outcome: 'accepted' });
    });

    it('6.8 SoftwareDeployment: the phone installs, reboots and starts up with the new software-version; the job is accepted', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ softwareVersion: 'V3 R5.12.0' }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'SoftwareDeployment', FIRMWARE('V3 R5.15.0')));

      const solicited = await callBack(listener);
      expectClean(solicited, ['SoftwareDeployment']);
      const startUp = solicited.followUp;
      expect(startUp?.reason).toBe('start-up');
      expectClean(startUp, ['CleanUp']);
      expect(phone.softwareVersion).toBe('V3 R5.15.0');
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
      const { rows } = await m.db.query('SELECT software_version FROM inventory.phone WHERE mac = $1', [phone.mac]);
      expect(rows).toEqual([{ software_version: 'V3 R5.15.0' }]);
    });

    it('6.8 SoftwareDeployment: a phone that comes back with another software-version fails the job', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ softwareVersion: 'V3 R5.12.0', behaviour: { followUps: false } }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'SoftwareDeployment', FIRMWARE('V3 R5.15.0')));

      expectClean(await callBack(listener), ['SoftwareDeployment']);
      expect(await jobRow(m.db, command)).toMatchObject({ state: 'sent', outcome: null });
      // The same phone after its reboot, still on the old image (the new one was not taken).
      const rebooted = new SimulatedPhone({ mac: phone.mac, urls: m.stack.urls, softwareVersion: 'V3 R5.12.0' });
      expectClean(await rebooted.startUp(), ['CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'failed' });
    });

    it('6.8 SoftwareDeployment: another software-version fails the job also when the start-up after the reboot is read in full', async () => {
      // protocol.md §6.8: start-up with the new software-version, then ReadAllItems / ReadItems to verify it.
      const { phone, listener } = await reachablePhone(phoneOptions({ softwareVersion: 'V3 R5.12.0', behaviour: { followUps: false } }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'SoftwareDeployment', FIRMWARE('V3 R5.15.0')));

      expectClean(await callBack(listener), ['SoftwareDeployment']);
      const rebooted = new SimulatedPhone({ mac: phone.mac, urls: m.stack.urls, softwareVersion: 'V3 R5.12.0', configurationChanged: true });
      expectClean(await rebooted.startUp(), ['ReadAllItems', 'CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done', 5_000)).toMatchObject({ outcome: 'failed' });
    });

    it('6.9 certificate deployment: WriteItems of wbm-server-certificate, then ReadItems of the certificate info, in one interaction', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions(), cleanup);
      const write = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'wbm-server-certificate', value: WBM_CERTIFICATE }], false));
      const read = await queueJob(m, jobCommand(phone.mac, 'ReadItems', [{ name: 'wbm-server-certificate-info', value: null }]));

      const solicited = await callBack(listener);
      expectClean(solicited, ['WriteItems', 'ReadItems', 'CleanUp']);
      expect(stepOf(solicited, 'WriteItems').items).toEqual([{ name: 'wbm-server-certificate', value: WBM_CERTIFICATE }]);
      expect(itemValue(phone.items, 'wbm-server-certificate')).toBe(WBM_CERTIFICATE);
      expect(stepOf(solicited, 'ReadItems').items).toEqual([{ name: 'wbm-server-certificate-info', value: null }]);
      expect(await awaitJob(m.db, write, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted', item_results: [] });
      const readJob = await awaitJob(m.db, read, (j) => j.state === 'done');
      expect(readJob.outcome).toBe('accepted');
      expect(readJob.item_results).toEqual(stepOf(solicited, 'ReadItems').answerItems);
    });

    it('6.11 busy phone: WriteItems answered busy → CleanUp with send-solicited; the job stays queued; the call-back runs it (busyCount 1)', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { busy: true } }), cleanup);
      const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-120' }]));

      const solicited = await callBack(listener);
      expectClean(solicited, ['WriteItems', 'CleanUp']);
      expect(stepOf(solicited, 'WriteItems').answer).toBe('reply-to WriteItems busy');
      expect(stepOf(solicited, 'CleanUp').items).toEqual([{ name: 'send-solicited', value: 'true' }]);
      expect(phone.solicitedPending).toBe(true);
      expect(await jobRow(m.db, command)).toMatchObject({ state: 'queued', outcome: null, busy_count: 1 });

      // The call ends; the phone calls back once by itself (G p.72).
      const again = await phone.becomeIdle();
      expect(again?.reason).toBe('solicited');
      expectClean(again, ['WriteItems', 'CleanUp']);
      expect(stepOf(again!, 'CleanUp').items).toEqual([]);
      expect(itemValue(phone.items, 'sntp-tz-offset')).toBe('-120');
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted', busy_count: 1 });
    });

    it('6.12 fragmented replies: ReadAllItems answered in fragments → GetNextFragment until final; the whole item set is stored', async () => {
      const phone = new SimulatedPhone(phoneOptions({ behaviour: { fragmentSize: 30 } }));
      const result = await phone.startUp();
      // 200 items in fragments of 30: 7 messages, 6 of them `next`.
      expectClean(result, ['ReadAllItems', ...Array<string>(6).fill('GetNextFragment'), 'CleanUp']);
      expect(result.exchanges.filter((e) => e.sent.endsWith('(fragment next)'))).toHaveLength(6);
      expect((await reportsOf(m.db, phone.mac)).map((r) => [r.kind, r.items])).toEqual([['full', expectedStoredItems(phone.mac)]]);
    });

    it('6.12 fragmented replies to a job: a ReadItems answered in fragments is assembled before its outcome is recorded', async () => {
      const { phone, listener } = await reachablePhone(phoneOptions({ behaviour: { unknownItems: ['e2e-no-such-item'] } }), cleanup);
      phone.behaviour.fragmentSize = 1;
      const wanted = ['e2e-no-such-item', 'sntp-tz-offset', 'e164'].map((name) => ({ name, value: null }));
      const command = await queueJob(m, jobCommand(phone.mac, 'ReadItems', wanted));

      const solicited = await callBack(listener);
      expectClean(solicited, ['ReadItems', 'GetNextFragment', 'GetNextFragment', 'CleanUp']);
      // Every item read is recorded, the flagged one from the first fragment included: the
      // fragments were assembled before the outcome was.
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({
        outcome: 'accepted',
        item_results: [
          { name: 'e2e-no-such-item', value: null, status: 'unknown item' },
          { name: 'sntp-tz-offset', value: itemValue(phone.items, 'sntp-tz-offset') },
          { name: 'e164', value: itemValue(phone.items, 'e164') },
        ],
      });
    });

    it('6.13 DCMP poll: 202 while a job is queued, the solicited call-back runs it, then 200', async () => {
      const phone = new SimulatedPhone(phoneOptions());
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      expect(await phone.pollDcmp(m.stack.dcmpUrls[0]!)).toMatchObject({ status: 200, outcome: 'idle' });

      const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-180' }], false));
      await allGatewaysAnswer(m.stack, phone.mac, 202);
      const poll = await phone.pollDcmp(m.stack.dcmpUrls.at(-1)!);
      expect(poll).toMatchObject({ status: 202, outcome: 'solicited' });
      expect(poll.interaction?.reason).toBe('solicited');
      expectClean(poll.interaction, ['WriteItems', 'CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
      await allGatewaysAnswer(m.stack, phone.mac, 200);
    });
  });

  describe('bad input', () => {
    it('a reply-to for an action never sent is answered CleanUp, stores nothing, and the gateway keeps serving', async () => {
      const phone = new SimulatedPhone(phoneOptions());
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      const before = await reportsOf(m.db, phone.mac);
      expect(before).toHaveLength(1);

      expectClean(await phone.strayReplyTo('WriteItems', 'accepted'), ['CleanUp']);
      expectClean(await phone.strayReplyTo('ReadAllItems', 'accepted'), ['CleanUp']);

      // Nothing was asked, so nothing is taken as the phone's answer: no second item set, no job.
      expect(await reportsOf(m.db, phone.mac)).toEqual(before);
      expect(await jobsOf(m.db, phone.mac)).toEqual([]);
      expectClean(await new SimulatedPhone(phoneOptions()).startUp(), ['ReadAllItems', 'CleanUp']);
    });

    it('a never-ending fragmented reply is cut off with CleanUp after 200 fragments; nothing is stored; the gateway keeps serving', async () => {
      // Driven through the simulator: 202 exchanges (start-up, 201 fragments), a few seconds.
      const phone = new SimulatedPhone(phoneOptions({ maxExchanges: 260, behaviour: { fragmentSize: 1, misbehave: { endlessFragments: true } } }));
      const result = await phone.startUp();
      expectClean(result, ['ReadAllItems', ...Array<string>(200).fill('GetNextFragment'), 'CleanUp']);
      expect(result.exchanges.every((e, i) => i === 0 || e.sent.endsWith('(fragment next)'))).toBe(true);
      expect(await reportsOf(m.db, phone.mac)).toEqual([]);

      phone.behaviour.misbehave.endlessFragments = false;
      phone.behaviour.fragmentSize = undefined;
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      expect((await reportsOf(m.db, phone.mac)).map((r) => r.items)).toEqual([expectedStoredItems(phone.mac)]);
    });

    it('a phone that changes its mac-addr within an interaction: mac-addr wins and opens a new interaction; nothing is filed under the first MAC', async () => {
      const other = randomMac();
      const setCookies: Array<string | string[] | undefined> = [];
      const phone = new SimulatedPhone(
        phoneOptions({
          behaviour: { misbehave: { switchMacTo: other } },
          onWire: (wire) => {
            if (wire.direction === 'response') setCookies.push(wire.headers['set-cookie']);
          },
        }),
      );
      const result = await phone.startUp();
      expectClean(result, ['ReadAllItems', 'CleanUp']);
      const first = interactionOfCookie(setCookies[0]);
      expect(first).toBeDefined();

      expect(await reportsOf(m.db, phone.mac)).toEqual([]);
      for (const report of await reportsOf(m.db, other)) expect(report.interaction_id).not.toBe(first);
    });

    it('a reply under another mac-addr does not settle the job sent to the first phone; the job runs on its next contact', async () => {
      const other = randomMac();
      const phone = new SimulatedPhone(phoneOptions({ behaviour: { misbehave: { switchMacTo: other } } }));
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-240' }], false));
      await awaitJob(m.db, command, () => true);

      const switched = await phone.solicited();
      expectClean(switched, ['WriteItems', 'CleanUp']);
      expect(await jobRow(m.db, command)).toMatchObject({ state: 'sent', outcome: null });
      expect(await jobsOf(m.db, other)).toEqual([]);

      phone.behaviour.misbehave.switchMacTo = undefined;
      expectClean(await phone.solicited(), ['WriteItems', 'CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
    });

    it('two interactions of one phone at the same time are both answered correctly; each fragmented reply is stored whole', async () => {
      const phone = new SimulatedPhone(phoneOptions({ behaviour: { fragmentSize: 50 } }));
      const results = await phone.overlappingInteractions(['start-up', 'start-up']);
      for (const result of results) expectClean(result, ['ReadAllItems', 'GetNextFragment', 'GetNextFragment', 'GetNextFragment', 'CleanUp']);

      const reports = await reportsOf(m.db, phone.mac);
      expect(reports.map((r) => [r.kind, r.items])).toEqual([
        ['full', expectedStoredItems(phone.mac)],
        ['full', expectedStoredItems(phone.mac)],
      ]);
      expect(new Set(reports.map((r) => r.interaction_id)).size).toBe(2);
    });

    it('two solicited interactions of one phone at the same time with one job queued: both end with CleanUp, the job is done once', async () => {
      const phone = new SimulatedPhone(phoneOptions());
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-420' }], false));
      await awaitJob(m.db, command, () => true);

      const results = await phone.overlappingInteractions(['solicited', 'solicited']);
      for (const result of results) {
        expect({ ok: result.ok, error: result.error, endedBy: result.endedBy }).toEqual({ ok: true, error: undefined, endedBy: 'CleanUp' });
        expect(result.exchanges.every((e) => e.httpStatus === 200 && e.nonceEchoed)).toBe(true);
      }
      expect(results.some((r) => r.actions.includes('WriteItems'))).toBe(true);
      expect(itemValue(phone.items, 'sntp-tz-offset')).toBe('-420');
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted', busy_count: 0 });
      expect(await jobsOf(m.db, phone.mac)).toHaveLength(1);
    });

    it('a status for a file that was never deployed is answered CleanUp; nothing is recorded as a job outcome', async () => {
      const phone = new SimulatedPhone(phoneOptions());
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      expectClean(await phone.sendStatus([{ name: 'never-deployed.wav', type: 'RINGTONE', status: 'ok' }]), ['CleanUp']);
      expect(await jobsOf(m.db, phone.mac)).toEqual([]);
    });

    it('a status for another file than the one being deployed does not settle that deployment', async () => {
      const phone = new SimulatedPhone(phoneOptions({ behaviour: { followUps: false } }));
      expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
      const command = await queueJob(m, jobCommand(phone.mac, 'FileDeployment', FILE('deployed.wav'), false));
      await awaitJob(m.db, command, () => true);
      expectClean(await phone.solicited(), ['FileDeployment']);

      expectClean(await phone.sendStatus([{ name: 'never-deployed.wav', type: 'RINGTONE', status: 'ok' }]), ['CleanUp']);
      expect(await jobRow(m.db, command)).toMatchObject({ state: 'sent', outcome: null });

      // The phone's status for the file it was sent does settle it.
      expectClean(await phone.sendStatus([{ name: 'deployed.wav', type: 'RINGTONE', status: 'ok' }]), ['CleanUp']);
      expect(await awaitJob(m.db, command, (j) => j.state === 'done')).toMatchObject({ outcome: 'accepted' });
    });

    describe('a contact-me target that is not a phone is recorded, and the job stays queued', () => {
      const expectRecorded = async (target: string, outcome: string, httpStatus: number | null) => {
        const phone = new SimulatedPhone(phoneOptions({ contactMeUri: target }));
        expectClean(await phone.startUp(), ['ReadAllItems', 'CleanUp']);
        const command = await queueJob(m, jobCommand(phone.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '60' }]));
        expect(await awaitContactMeAttempt(m.db, phone.mac)).toEqual({ target, attempt: 1, outcome, http_status: httpStatus, final: true });
        expect(await jobRow(m.db, command)).toMatchObject({ state: 'queued', outcome: null });
      };

      it('connection refused → unreachable', async () => {
        const closedPort = await freePort();
        await expectRecorded(`http://127.0.0.1:${closedPort}/contact_dls.html/ContactDLS`, 'unreachable', null);
      });

      it('an HTTP server answering 404 → refused', async () => {
        const server = await notAPhone(cleanup, { status: 404 });
        await expectRecorded(server.url, 'refused', 404);
        expect(server.seen).toEqual([{ method: 'POST', path: '/contact_dls.html/ContactDLS', body: 'ContactMe=true' }]);
      });

      it('a server that does not answer within the deadline → timed-out', async () => {
        const server = await notAPhone(cleanup, { status: 204, delayMs: Infinity });
        await expectRecorded(server.url, 'timed-out', null);
        expect(server.seen).toEqual([{ method: 'POST', path: '/contact_dls.html/ContactDLS', body: 'ContactMe=true' }]);
      });
    });
  });
});
