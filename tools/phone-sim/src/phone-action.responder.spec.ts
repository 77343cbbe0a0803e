import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WpiItem } from '@workpoint/wpi-codec';
import { fullItemSet } from './item-set.factory';
import type { PhoneOptions } from './phone.options';
import { SimulatedPhone } from './phone.simulator';
import { type FakeDlsServer, fakeDlsPerTest } from './testing/fake-dls.server';
import { SESSION_COOKIE, byReason, scriptedDls } from './testing/scripted-dls.handler';

// Each test walks the phone through one service action against a fake HTTPS service and
// checks the phone's answer as the service would see it on the wire.
describe('the phone answering service actions', () => {
  const serve = fakeDlsPerTest();

  const mac = '00:1A:E8:12:34:56';
  const phoneOn = (server: FakeDlsServer, options: Partial<PhoneOptions> = {}): SimulatedPhone =>
    new SimulatedPhone({ mac, urls: [server.url], ...options });
  const value = (items: readonly WpiItem[], name: string, index?: number): string | null | undefined =>
    items.find((item) => item.name === name && item.index === index)?.value;
  const reasons = (server: FakeDlsServer): string[] =>
    server.requests.map((request) => (request.message.replyTo ? `reply-to ${request.message.replyTo.action} ${request.message.replyTo.status}` : request.message.reason));

  describe('ReadAllItems and GetNextFragment', () => {
    it('sends the whole item set in fragments of fragmentSize items until fragment="final"', async () => {
      const server = await serve(
        byReason({
          'start-up': { action: 'ReadAllItems', cookie: true },
          'reply-to': (request) => ({ action: request.message.fragment === 'next' ? 'GetNextFragment' : 'CleanUp' }),
        }),
      );
      const result = await phoneOn(server, { behaviour: { fragmentSize: 80 } }).startUp();

      expect(result).toMatchObject({ ok: true, endedBy: 'CleanUp', actions: ['ReadAllItems', 'GetNextFragment', 'GetNextFragment', 'CleanUp'] });
      const replies = server.requests.slice(1).map((request) => request.message);
      expect(replies.map((reply) => [reply.fragment, reply.replyTo?.action, reply.items.length])).toEqual([
        ['next', 'ReadAllItems', 80],
        ['next', 'ReadAllItems', 80],
        ['final', 'ReadAllItems', 40],
      ]);
      expect(replies.flatMap((reply) => reply.items)).toEqual(fullItemSet({ mac }));
      expect(new Set(replies.map((reply) => reply.nonce))).toEqual(new Set([server.requests[0].message.nonce]));
      expect(server.requests.slice(1).every((request) => request.headers.cookie === SESSION_COOKIE)).toBe(true);
    });

    it('ends with a full final fragment when the items divide evenly', async () => {
      const server = await serve(
        byReason({
          'start-up': { action: 'ReadAllItems' },
          'reply-to': (request) => ({ action: request.message.fragment === 'next' ? 'GetNextFragment' : 'CleanUp' }),
        }),
      );
      await phoneOn(server, { itemCount: 100, behaviour: { fragmentSize: 50 } }).startUp();
      expect(server.requests.slice(1).map((request) => [request.message.fragment, request.message.items.length])).toEqual([
        ['next', 50],
        ['final', 50],
      ]);
    });

    it('does not fragment by default, and answers a GetNextFragment with nothing pending with failed', async () => {
      const server = await serve(scriptedDls([{ action: 'ReadAllItems' }, { action: 'GetNextFragment' }]));
      const result = await phoneOn(server).startUp();

      expect(server.requests[1].message).toMatchObject({ fragment: 'final', replyTo: { action: 'ReadAllItems', status: 'accepted' } });
      expect(server.requests[1].message.items).toHaveLength(200);
      expect(server.requests[2].message).toMatchObject({ replyTo: { action: 'GetNextFragment', status: 'failed' }, items: [] });
      expect(result.ok).toBe(true);
    });
  });

  describe('ReadItems', () => {
    it('answers the requested items with their current values and flags what it cannot read', async () => {
      const requested: WpiItem[] = [
        { name: 'reg-port', value: null },
        { name: 'function-key-def', index: 1001, value: null },
        { name: 'codec-type', value: null },
        { name: 'mac-addr', value: null },
        { name: 'no-such-item', value: null },
        { name: 'trace-level', index: 99, value: null },
        { name: 'sntp-addr', value: null },
      ];
      const server = await serve(scriptedDls([{ action: 'ReadItems', items: requested }]));
      const phone = phoneOn(server, { behaviour: { unknownItems: ['sntp-addr'] } });
      await phone.solicited();

      const reply = server.requests[1].message;
      expect(reply).toMatchObject({ reason: 'reply-to', replyTo: { action: 'ReadItems', status: 'accepted' }, fragment: 'final' });
      expect(reply.items).toEqual([
        { name: 'reg-port', value: '5060' },
        { name: 'function-key-def', index: 1001, value: value(phone.items, 'function-key-def', 1001) },
        { name: 'codec-type', index: 1, value: '0' },
        { name: 'codec-type', index: 2, value: '1' },
        { name: 'codec-type', index: 3, value: '2' },
        { name: 'mac-addr', value: mac },
        { name: 'no-such-item', value: null, status: 'unknown item' },
        { name: 'trace-level', index: 99, value: null, status: 'invalid index' },
        { name: 'sntp-addr', value: null, status: 'unknown item' },
      ]);
    });

    it('fragments a long ReadItems reply too', async () => {
      const server = await serve(
        byReason({
          solicited: { action: 'ReadItems', items: [{ name: 'locked-config-menus', value: null }] },
          'reply-to': (request) => ({ action: request.message.fragment === 'next' ? 'GetNextFragment' : 'CleanUp' }),
        }),
      );
      await phoneOn(server, { behaviour: { fragmentSize: 30 } }).solicited();
      expect(server.requests.slice(1).map((request) => [request.message.replyTo?.action, request.message.fragment, request.message.items.length])).toEqual([
        ['ReadItems', 'next', 30],
        ['ReadItems', 'next', 30],
        ['ReadItems', 'final', 6],
      ]);
    });
  });

  describe('WriteItems', () => {
    it('applies the items, answers an empty ItemList, and a later ReadAllItems reports the writes', async () => {
      const writes: WpiItem[] = [
        { name: 'sntp-addr', value: 'ntp.workpoint.test' },
        { name: 'function-key-def', index: 3, value: '63' },
        { name: 'sip-pwd', value: 'secret' },
      ];
      const server = await serve(scriptedDls([{ action: 'WriteItems', items: writes }, { action: 'CleanUp' }, { action: 'ReadAllItems' }]));
      const phone = phoneOn(server);
      const written = await phone.solicited();

      expect(server.requests[1].body).toContain('<ItemList/>');
      expect(server.requests[1].message).toMatchObject({ replyTo: { action: 'WriteItems', status: 'accepted' }, fragment: 'final', items: [] });
      expect(written.steps).toEqual([
        { exchange: 0, action: 'WriteItems', items: writes, answer: 'reply-to WriteItems accepted', answerItems: [] },
        { exchange: 1, action: 'CleanUp', items: [], answer: 'interaction ended' },
      ]);
      expect(value(written.items!, 'sntp-addr')).toBe('ntp.workpoint.test');

      await phone.startUp();
      const all = server.requests[3].message.items;
      expect(value(all, 'sntp-addr')).toBe('ntp.workpoint.test');
      expect(value(all, 'function-key-def', 3)).toBe('63');
      expect(value(all, 'sip-pwd')).toBe('secret');
      // Replaced in place, not duplicated.
      expect(all.filter((item) => item.name === 'sntp-addr')).toHaveLength(1);
      expect(all).toHaveLength(201);
    });

    it('reports only the problem items, each with its status, and applies none of them', async () => {
      const writes: WpiItem[] = [
        { name: 'device-type', value: 'OpenStage 80' },
        { name: 'frobnicate', value: '1' },
        { name: 'codec-type', index: 7, value: '1' },
        { name: 'sntp-tz-offset', value: 'sixty' },
        { name: 'key-label', index: 2, value: 'Boss' },
        { name: 'key-label', index: 3, value: 'Door' },
        { name: 'admin-pwd', value: '654321' },
        { name: 'display-id', value: 'Reception' },
      ];
      const server = await serve(scriptedDls([{ action: 'WriteItems', items: writes }]));
      const phone = phoneOn(server, {
        behaviour: { unknownItems: ['frobnicate'], itemStatuses: { 'sntp-tz-offset': 'invalid data', 'key-label#3': 'failed' } },
      });
      const before = value(phone.items, 'sntp-tz-offset');
      await phone.solicited();

      expect(server.requests[1].message).toMatchObject({ replyTo: { action: 'WriteItems', status: 'accepted' } });
      expect(server.requests[1].message.items).toEqual([
        { name: 'device-type', value: null, status: 'read only' },
        { name: 'frobnicate', value: null, status: 'unknown item' },
        { name: 'codec-type', index: 7, value: null, status: 'invalid index' },
        { name: 'sntp-tz-offset', value: null, status: 'invalid data' },
        { name: 'key-label', index: 3, value: null, status: 'failed' },
      ]);
      expect(value(phone.items, 'device-type')).toBe('OpenStage 60');
      expect(value(phone.items, 'sntp-tz-offset')).toBe(before);
      expect(value(phone.items, 'key-label', 2)).toBe('Boss');
      expect(value(phone.items, 'display-id')).toBe('Reception');
      expect(phone.items.some((item) => item.name === 'frobnicate' || (item.name === 'codec-type' && item.index === 7))).toBe(false);
      // Write-only: taken, never reported back.
      expect(phone.items.find((item) => item.name === 'admin-pwd')).toEqual({ name: 'admin-pwd', value: null, status: 'failed' });
    });

    it('rewrites its e164, and reports the new number from then on', async () => {
      const server = await serve(scriptedDls([{ action: 'WriteItems', items: [{ name: 'e164', value: '4930123456' }] }]));
      const phone = phoneOn(server);
      await phone.solicited();
      await phone.startUp();
      expect(value(server.requests[2].message.items, 'e164')).toBe('4930123456');
    });

    it('answers busy without an ItemList while in a call, applying nothing', async () => {
      const server = await serve(scriptedDls([{ action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'x.test' }] }]));
      const phone = phoneOn(server, { behaviour: { busy: true } });
      const result = await phone.solicited();

      expect(server.requests[1].message).toMatchObject({ replyTo: { action: 'WriteItems', status: 'busy' }, fragment: 'final', items: [] });
      expect(server.requests[1].body).not.toContain('ItemList');
      expect(value(phone.items, 'sntp-addr')).toBe('pool.ntp.org');
      expect(result.ok).toBe(true);
    });

    it('lets a function decide busy per action', async () => {
      let writes = 0;
      const server = await serve(
        scriptedDls([
          { action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'a.test' }] },
          { action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'b.test' }] },
        ]),
      );
      const phone = phoneOn(server, { behaviour: { busy: (message) => message.action === 'WriteItems' && writes++ === 0 } });
      await phone.solicited();
      expect(reasons(server)).toEqual(['solicited', 'reply-to WriteItems busy', 'reply-to WriteItems accepted']);
      expect(value(phone.items, 'sntp-addr')).toBe('b.test');
    });
  });

  describe('CleanUp with send-solicited (busy phone, §6.11)', () => {
    const sendSolicited: WpiItem[] = [{ name: 'send-solicited', value: 'true' }];

    it('remembers the flag while busy and calls back with solicited once idle, where the job is re-sent', async () => {
      const job: WpiItem[] = [{ name: 'sntp-addr', value: 'ntp.workpoint.test' }];
      const server = await serve(
        byReason({
          solicited: { action: 'WriteItems', items: job },
          'reply-to': (request) => ({ action: 'CleanUp', items: request.message.replyTo?.status === 'busy' ? sendSolicited : [] }),
        }),
      );
      const phone = phoneOn(server, { behaviour: { busy: true } });
      const refused = await phone.solicited();

      expect(refused).toMatchObject({ ok: true, endedBy: 'CleanUp' });
      expect(refused.followUp).toBeUndefined();
      expect(refused.steps?.[1].answer).toBe('send-solicited remembered: calls back when idle');
      expect(phone.solicitedPending).toBe(true);
      expect(server.requests).toHaveLength(2);

      const callBack = await phone.becomeIdle();
      expect(callBack).toMatchObject({ ok: true, reason: 'solicited', actions: ['WriteItems', 'CleanUp'] });
      expect(reasons(server)).toEqual(['solicited', 'reply-to WriteItems busy', 'solicited', 'reply-to WriteItems accepted']);
      expect(value(phone.items, 'sntp-addr')).toBe('ntp.workpoint.test');
      expect(phone.solicitedPending).toBe(false);
      expect(await phone.becomeIdle()).toBeUndefined();
      expect(server.requests).toHaveLength(4);
    });

    it('keeps the flag when the call-back does not reach the service', async () => {
      const server = await serve(scriptedDls([{ action: 'CleanUp', items: sendSolicited }]));
      const phone = phoneOn(server, { behaviour: { busy: true } });
      await phone.solicited();
      await server.close();
      const failed = await phone.becomeIdle();
      expect(failed?.ok).toBe(false);
      expect(phone.solicitedPending).toBe(true);
    });

    it('calls back at once when idle, so a service can chain its jobs', async () => {
      const server = await serve(scriptedDls([{ action: 'CleanUp', items: sendSolicited }, { action: 'CleanUp' }]));
      const result = await phoneOn(server).startUp();

      expect(result.followUp).toMatchObject({ ok: true, reason: 'solicited', actions: ['CleanUp'] });
      expect(reasons(server)).toEqual(['start-up', 'solicited']);
      expect(server.requests[1].message.nonce).not.toBe(server.requests[0].message.nonce);
    });

    it('owes the call-back when the follow-up bound stops a chain of jobs', async () => {
      const server = await serve(byReason({ 'start-up': { action: 'CleanUp', items: sendSolicited }, solicited: { action: 'CleanUp', items: sendSolicited } }));
      const phone = phoneOn(server, { behaviour: { maxFollowUps: 1 } });
      const result = await phone.startUp();

      expect(result.followUp?.reason).toBe('solicited');
      expect(result.followUp?.followUp).toBeUndefined();
      expect(phone.solicitedPending).toBe(true);
      // The next chain gets its own bound.
      const resumed = await phone.becomeIdle();
      expect([resumed?.reason, resumed?.followUp?.reason, resumed?.followUp?.followUp]).toEqual(['solicited', 'solicited', undefined]);
      expect(reasons(server)).toEqual(['start-up', 'solicited', 'solicited', 'solicited']);
      expect(phone.solicitedPending).toBe(true);
    });

    it('ignores send-solicited on firmware older than V3R3', async () => {
      const server = await serve(scriptedDls([{ action: 'CleanUp', items: sendSolicited }]));
      const phone = phoneOn(server, { family: 'openstage-60-v2', behaviour: { busy: true } });
      const result = await phone.startUp();
      expect(result.steps?.[0].answer).toBe('send-solicited ignored by this firmware');
      expect(phone.solicitedPending).toBe(false);
    });
  });

  describe('Restart', () => {
    it('ends the interaction without another message and records the reboot until the next start-up', async () => {
      const server = await serve(scriptedDls([{ action: 'Restart' }]));
      const phone = phoneOn(server);
      const result = await phone.solicited();

      expect(result).toMatchObject({ ok: true, endedBy: 'Restart', actions: ['Restart'] });
      expect(result.exchanges).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
      expect(phone.pendingReboot).toBe('restart');
      expect(phone.reboots).toBe(1);

      await phone.startUp();
      expect(phone.pendingReboot).toBeUndefined();
    });

    it('returns to the factory item set on restart-type=FactoryReset with the right password', async () => {
      const server = await serve(
        scriptedDls([
          { action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'ntp.workpoint.test' }] },
          { action: 'Restart', items: [{ name: 'restart-type', value: 'FactoryReset' }, { name: 'restart-password', value: '124816' }] },
        ]),
      );
      const phone = phoneOn(server);
      const result = await phone.solicited();

      expect(result.steps?.[1].answer).toBe('factory reset: items back to defaults, rebooting');
      expect(phone.pendingReboot).toBe('factory-reset');
      expect(phone.items).toEqual(fullItemSet({ mac }));
      // The snapshot taken before the reset still shows the write.
      expect(value(result.items!, 'sntp-addr')).toBe('pool.ntp.org');
    });

    it('says configuration-changed-flag=true at start-up after a factory reset, until its items are read again', async () => {
      const server = await serve(
        scriptedDls([
          { action: 'Restart', items: [{ name: 'restart-type', value: 'FactoryReset' }, { name: 'restart-password', value: '124816' }] },
          { action: 'CleanUp' },
          { action: 'ReadAllItems' },
          { action: 'CleanUp' },
          { action: 'CleanUp' },
        ]),
      );
      const phone = phoneOn(server);
      await phone.solicited();
      await phone.startUp();
      await phone.startUp();
      await phone.startUp();
      const startUps = server.requests.filter((r) => r.message.reason === 'start-up').map((r) => value(r.message.items, 'configuration-changed-flag'));
      expect(startUps).toEqual(['true', 'true', 'false']);
    });

    it('only reboots, keeping its items, when the restart-password is wrong', async () => {
      const server = await serve(
        scriptedDls([
          { action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'ntp.workpoint.test' }] },
          { action: 'Restart', items: [{ name: 'restart-type', value: 'FactoryReset' }, { name: 'restart-password', value: '000000' }] },
        ]),
      );
      const phone = phoneOn(server);
      await phone.solicited();
      expect(phone.pendingReboot).toBe('restart');
      expect(value(phone.items, 'sntp-addr')).toBe('ntp.workpoint.test');
    });
  });

  describe('FileDeployment', () => {
    const ringtone: WpiItem[] = [
      { name: 'file-https-base-url', value: 'https://files.workpoint.test/media/ring-1.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ];

    it('ends the interaction, then reports the transfer with status in a new interaction', async () => {
      const server = await serve(scriptedDls([{ action: 'FileDeployment', items: ringtone, cookie: true }, { action: 'CleanUp' }]));
      const phone = phoneOn(server);
      const result = await phone.solicited();

      expect(result).toMatchObject({ ok: true, endedBy: 'FileDeployment', actions: ['FileDeployment'] });
      expect(result.followUp).toMatchObject({ ok: true, reason: 'status', actions: ['CleanUp'] });
      const [solicited, status] = server.requests;
      expect(status.message.reason).toBe('status');
      expect(status.message.nonce).not.toBe(solicited.message.nonce);
      expect(status.headers.cookie).toBeUndefined();
      expect(value(status.message.items, 'mac-addr')).toBe(mac);
      const file = status.message.items.filter((item) => item.name.startsWith('file-deployment-'));
      expect(file.map((item) => [item.name, item.index, item.value])).toEqual([
        ['file-deployment-date', undefined, expect.stringMatching(/^\d\d:\d\d:\d{4}$/)],
        ['file-deployment-time', undefined, expect.stringMatching(/^\d\d:\d\d:\d\d$/)],
        ['file-deployment-name', undefined, 'ring-1.wav'],
        ['file-deployment-type', undefined, 'RINGTONE'],
        ['file-deployment-status', undefined, 'ok'],
      ]);
      // Stored files show up in ReadAllItems, indexed (G p.245).
      expect(value(phone.items, 'file-deployment-name', 1)).toBe('ring-1.wav');
      expect(phone.storedFiles).toEqual([expect.objectContaining({ name: 'ring-1.wav', type: 'RINGTONE', status: 'ok' })]);
    });

    it('reports a configured failure and keeps no file', async () => {
      const server = await serve(scriptedDls([{ action: 'FileDeployment', items: ringtone }]));
      const phone = phoneOn(server, { behaviour: { fileDeploymentStatus: 'failed' } });
      await phone.solicited();
      expect(value(server.requests[1].message.items, 'file-deployment-status')).toBe('failed');
      expect(phone.storedFiles).toEqual([]);
      expect(phone.items.some((item) => item.name === 'file-deployment-name')).toBe(false);
    });

    it('sends no status for a multiple-file job, deploying and deleting by index', async () => {
      const logo: WpiItem[] = [
        { name: 'file-https-base-url', value: 'https://files.workpoint.test/logo.png' },
        { name: 'file-type', value: 'LOGO' },
      ];
      const multiple: WpiItem[] = [
        { name: 'file-https-base-url', index: 1, value: 'https://files.workpoint.test/moh.mp3' },
        { name: 'file-type', index: 1, value: 'MOH' },
        { name: 'file-action', index: 1, value: 'deploy' },
        { name: 'file-name', index: 2, value: 'logo.png' },
        { name: 'file-type', index: 2, value: 'LOGO' },
        { name: 'file-action', index: 2, value: 'delete' },
      ];
      const server = await serve(scriptedDls([{ action: 'FileDeployment', items: logo }, { action: 'CleanUp' }, { action: 'FileDeployment', items: multiple }]));
      const phone = phoneOn(server);
      await phone.solicited();
      expect(phone.storedFiles.map((file) => file.name)).toEqual(['logo.png']);

      const result = await phone.solicited();
      expect(result).toMatchObject({ ok: true, endedBy: 'FileDeployment' });
      expect(result.followUp).toBeUndefined();
      expect(result.steps?.[0].answer).toBe('2 files handled; no status for a multiple-file job (G p.55)');
      expect(reasons(server)).toEqual(['solicited', 'status', 'solicited']);
      expect(phone.storedFiles.map((file) => file.name)).toEqual(['moh.mp3']);
      expect(value(phone.items, 'file-deployment-type', 1)).toBe('MOH');
      expect(phone.items.some((item) => item.name === 'file-deployment-name' && item.index === 2)).toBe(false);
    });

    it('can send the status within the same interaction instead', async () => {
      const server = await serve(scriptedDls([{ action: 'FileDeployment', items: ringtone, cookie: true }, { action: 'CleanUp' }]));
      const result = await phoneOn(server, { behaviour: { statusInSameInteraction: true } }).solicited();

      expect(result).toMatchObject({ ok: true, endedBy: 'CleanUp', actions: ['FileDeployment', 'CleanUp'] });
      expect(result.followUp).toBeUndefined();
      expect(server.requests[1].message.reason).toBe('status');
      expect(server.requests[1].message.nonce).toBe(server.requests[0].message.nonce);
      expect(server.requests[1].headers.cookie).toBe(SESSION_COOKIE);
    });

    it('sends nothing afterwards when follow-ups are off', async () => {
      const server = await serve(scriptedDls([{ action: 'FileDeployment', items: ringtone }]));
      const result = await phoneOn(server, { behaviour: { followUps: false } }).solicited();
      expect(result.followUp).toBeUndefined();
      expect(server.requests).toHaveLength(1);
    });

    describe('with real downloads', () => {
      let files: Server;
      let base: string;
      beforeAll(async () => {
        files = createServer((req, res) => {
          res.writeHead(req.url === '/media/ring-1.wav' ? 200 : 404, { 'Content-Length': '4' });
          res.end('RIFF');
        });
        await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
      });
      afterAll(async () => {
        await new Promise<void>((resolve) => files.close(() => resolve()));
      });

      it.each([
        ['/media/ring-1.wav', 'ok'],
        ['/media/missing.wav', 'failed'],
      ])('fetches %s and reports %s', async (path, status) => {
        const items: WpiItem[] = [
          { name: 'file-https-base-url', value: `${base}${path}` },
          { name: 'file-type', value: 'RINGTONE' },
        ];
        const server = await serve(scriptedDls([{ action: 'FileDeployment', items }]));
        await phoneOn(server, { behaviour: { downloadFiles: true } }).solicited();
        expect(value(server.requests[1].message.items, 'file-deployment-status')).toBe(status);
      });
    });
  });

  describe('SoftwareDeployment', () => {
    const firmware = (version: string, priority = 'immediate'): WpiItem[] => [
      { name: 'file-https-base-url', value: 'https://files.workpoint.test/OS_60_SIP_V3_R5_14_0.img' },
      { name: 'file-type', value: 'APP' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: version },
      { name: 'file-priority', value: priority },
    ];

    it('"downloads and reboots", then starts up reporting the new software-version', async () => {
      const server = await serve(
        byReason({ solicited: { action: 'SoftwareDeployment', items: firmware('3.5.14.0') }, 'start-up': { action: 'ReadAllItems' } }),
      );
      const phone = phoneOn(server);
      const result = await phone.solicited();

      expect(result).toMatchObject({ ok: true, endedBy: 'SoftwareDeployment', actions: ['SoftwareDeployment'] });
      expect(result.followUp).toMatchObject({ ok: true, reason: 'start-up', actions: ['ReadAllItems', 'CleanUp'] });
      expect(reasons(server)).toEqual(['solicited', 'start-up', 'reply-to ReadAllItems accepted']);
      const startUp = server.requests[1].message.items;
      expect(value(startUp, 'software-version')).toBe('V3 R5.14.0');
      expect(value(startUp, 'related-software-version')).toBe('V3 R5.14.0');
      expect(value(server.requests[2].message.items, 'software-version')).toBe('V3 R5.14.0');
      expect(phone.softwareVersion).toBe('V3 R5.14.0');
      expect(phone.reboots).toBe(1);
      expect(phone.pendingReboot).toBeUndefined();
    });

    it('reports the items of its new generation after an upgrade from V2', async () => {
      const server = await serve(byReason({ solicited: { action: 'SoftwareDeployment', items: firmware('V3 R5.14.0') } }));
      const phone = phoneOn(server, { family: 'openstage-40-v2' });
      const result = await phone.solicited();

      expect(server.requests[0].message.items.find((item) => item.name.startsWith('gigabit'))).toEqual({
        name: 'gigabit-ethernet',
        value: null,
        status: 'failed',
      });
      expect(server.requests[1].message.items.find((item) => item.name.startsWith('gigabit'))).toEqual({
        name: 'gigabit-ethernet-enabled',
        value: 'false',
      });
      expect(result.followUp?.items?.filter((item) => item.name.startsWith('gigabit')).map((item) => item.name)).toEqual([
        'gigabit-ethernet-enabled',
      ]);
    });

    it('refuses a normal-priority deployment while in a call, but not an immediate one', async () => {
      const server = await serve(
        scriptedDls([{ action: 'SoftwareDeployment', items: firmware('3.5.14.0', 'normal') }, { action: 'SoftwareDeployment', items: firmware('3.5.14.0') }]),
      );
      const phone = phoneOn(server, { behaviour: { busy: true } });
      const result = await phone.solicited();

      expect(reasons(server)).toEqual(['solicited', 'reply-to SoftwareDeployment busy', 'start-up']);
      expect(result.endedBy).toBe('SoftwareDeployment');
      expect(phone.softwareVersion).toBe('V3 R5.14.0');
    });

    it('reports a failed download with status and keeps its version', async () => {
      const server = await serve(scriptedDls([{ action: 'SoftwareDeployment', items: firmware('3.5.14.0') }]));
      const phone = phoneOn(server, { behaviour: { softwareDeploymentStatus: 'failed' } });
      const result = await phone.solicited();

      expect(result.followUp?.reason).toBe('status');
      expect(value(server.requests[1].message.items, 'file-deployment-status')).toBe('failed');
      expect(value(server.requests[1].message.items, 'file-deployment-type')).toBe('APP');
      expect(phone.softwareVersion).toBe('V3 R5.12.0');
      expect(phone.pendingReboot).toBeUndefined();
    });

    it('stops following a service that redeploys on every start-up after maxFollowUps', async () => {
      const looping = await serve(byReason({ 'start-up': { action: 'SoftwareDeployment', items: firmware('3.5.14.0') } }));
      const result = await phoneOn(looping, { behaviour: { maxFollowUps: 2 } }).startUp();

      let depth = 0;
      for (let next = result.followUp; next; next = next.followUp) depth++;
      expect(depth).toBe(2);
      expect(looping.requests.map((request) => request.message.reason)).toEqual(['start-up', 'start-up', 'start-up']);
    });
  });

  it('answers reply-to failed for actions its firmware refuses, and carries on', async () => {
    const server = await serve(scriptedDls([{ action: 'FileDeployment' }, { action: 'CleanUp' }]));
    const result = await phoneOn(server, { behaviour: { refusedActions: ['FileDeployment'] } }).solicited();
    expect(reasons(server)).toEqual(['solicited', 'reply-to FileDeployment failed']);
    expect(result).toMatchObject({ ok: true, endedBy: 'CleanUp' });
  });
});
