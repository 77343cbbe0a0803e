import type { WpiItem } from '@workpoint/wpi-codec';
import { basicItems } from './item-set.factory';
import type { PhoneOptions } from './phone.options';
import { SimulatedPhone } from './phone.simulator';
import { type FakeDlsHandler, type FakeDlsServer, fakeDlsPerTest } from './testing/fake-dls.server';
import { byReason, scriptedDls } from './testing/scripted-dls.handler';

// The interactions a phone starts itself, with every reason of protocol.md §4.1.
describe('interactions the phone starts', () => {
  const serveFake = fakeDlsPerTest();
  const serve = (handler?: FakeDlsHandler): Promise<FakeDlsServer> => serveFake(handler ?? scriptedDls([]));

  const mac = '00:1A:E8:AB:CD:EF';
  const phoneOn = (server: FakeDlsServer, options: Partial<PhoneOptions> = {}): SimulatedPhone =>
    new SimulatedPhone({ mac, urls: [server.url], ...options });
  const value = (items: readonly WpiItem[], name: string, index?: number): string | null | undefined =>
    items.find((item) => item.name === name && item.index === index)?.value;

  it('solicited: the basic items, answered by whatever the service has queued', async () => {
    const server = await serve(byReason({ solicited: { action: 'ReadItems', items: [{ name: 'reg-addr', value: null }] } }));
    const result = await phoneOn(server).solicited();

    expect(result).toMatchObject({ ok: true, reason: 'solicited', actions: ['ReadItems', 'CleanUp'] });
    expect(server.requests[0].message).toMatchObject({ reason: 'solicited', maxItems: -1, items: basicItems({ mac }) });
    expect(server.requests[0].message.fragment).toBeUndefined();
  });

  describe('local-changes', () => {
    it('≤ V2R1: flag only, the basic items with configuration-changed-flag=true', async () => {
      const server = await serve(byReason({ 'local-changes': { action: 'ReadAllItems' } }));
      const phone = phoneOn(server, { family: 'openstage-40-v1' });
      const result = await phone.localChanges({ items: [{ name: 'sntp-addr', value: 'ntp.local' }] });

      const sent = server.requests[0].message;
      expect(sent.reason).toBe('local-changes');
      expect(sent.items).toEqual(basicItems({ mac, family: 'openstage-40-v1', configurationChanged: true }));
      expect(value(sent.items, 'configuration-attached-flag')).toBeUndefined();
      // The service reads everything and sees the change.
      expect(result.actions).toEqual(['ReadAllItems', 'CleanUp']);
      expect(value(server.requests[1].message.items, 'sntp-addr')).toBe('ntp.local');
    });

    it('≥ V2R2: the changed items attached and counted', async () => {
      const server = await serve();
      const changes: WpiItem[] = [
        { name: 'dhcp', value: 'false' },
        { name: 'vlan-method', value: '0' },
      ];
      const phone = phoneOn(server);
      await phone.localChanges({ items: changes });

      const items = server.requests[0].message.items;
      expect(value(items, 'configuration-changed-flag')).toBe('true');
      expect(value(items, 'configuration-attached-flag')).toBe('true');
      expect(value(items, 'configuration-attached-number')).toBe('2');
      expect(items.slice(-2)).toEqual(changes);
      expect(value(phone.items, 'dhcp')).toBe('false');
    });

    it('sends either form on request, and toggles lldp-enabled when no change is given', async () => {
      const server = await serve();
      const phone = phoneOn(server);
      await phone.localChanges({ attached: false });
      await phone.localChanges({ attached: true });

      expect(value(server.requests[0].message.items, 'configuration-attached-flag')).toBeUndefined();
      expect(value(server.requests[1].message.items, 'configuration-attached-number')).toBe('1');
      expect(value(server.requests[1].message.items, 'lldp-enabled')).toBe('true');
      expect(value(phone.items, 'lldp-enabled')).toBe('true');
    });

    it('keeps later start-ups at the configured flag', async () => {
      const server = await serve();
      const phone = phoneOn(server);
      await phone.localChanges();
      await phone.startUp();
      expect(value(server.requests[1].message.items, 'configuration-changed-flag')).toBe('false');
    });
  });

  it('inventory-changes: a key module attached, kept in the item store', async () => {
    const server = await serve();
    const phone = phoneOn(server);
    const result = await phone.inventoryChanges();

    expect(result).toMatchObject({ ok: true, reason: 'inventory-changes', actions: ['CleanUp'] });
    const items = server.requests[0].message.items;
    expect(value(items, 'mac-addr')).toBe(mac);
    expect(value(items, 'key-modules')).toBe('1');
    expect(value(phone.items, 'key-modules')).toBe('1');
  });

  it('status: one file with plain items, several with indexed ones', async () => {
    const server = await serve();
    const phone = phoneOn(server);
    await phone.sendStatus([{ name: 'logo.png', type: 'LOGO', status: 'ok', date: '10:06:2008', time: '15:35:52' }]);
    await phone.sendStatus([
      { name: 'a.wav', type: 'RINGTONE', status: 'ok' },
      { name: 'b.jpg', type: 'SCREENSAVER', status: 'failed' },
    ]);

    const single = server.requests[0].message.items.filter((item) => item.name.startsWith('file-deployment-'));
    expect(single).toEqual([
      { name: 'file-deployment-date', value: '10:06:2008' },
      { name: 'file-deployment-time', value: '15:35:52' },
      { name: 'file-deployment-name', value: 'logo.png' },
      { name: 'file-deployment-type', value: 'LOGO' },
      { name: 'file-deployment-status', value: 'ok' },
    ]);
    const several = server.requests[1].message.items;
    expect(server.requests[1].message.reason).toBe('status');
    expect(value(several, 'file-deployment-name', 1)).toBe('a.wav');
    expect(value(several, 'file-deployment-status', 2)).toBe('failed');
    expect(value(several, 'file-deployment-name')).toBeUndefined();
  });

  it('clean-up: the phone ends things itself, with cleanup-reason', async () => {
    const server = await serve();
    const result = await phoneOn(server).cleanUp();

    expect(result).toMatchObject({ ok: true, reason: 'clean-up', actions: ['CleanUp'] });
    expect(server.requests[0].message.reason).toBe('clean-up');
    expect(value(server.requests[0].message.items, 'cleanup-reason')).toBe('password retries exceeded');
  });

  it('an unknown reason, verbatim, with the basic items and any extra items', async () => {
    const server = await serve();
    const result = await phoneOn(server).interact('mobility-logon', [{ name: 'requested-items', value: 'userdata-ldap' }]);

    expect(result).toMatchObject({ ok: true, reason: 'mobility-logon' });
    expect(server.requests[0].message.reason).toBe('mobility-logon');
    expect(server.requests[0].message.items).toEqual([...basicItems({ mac }), { name: 'requested-items', value: 'userdata-ldap' }]);
  });

  it('records the phone item store with every result', async () => {
    const server = await serve(scriptedDls([{ action: 'WriteItems', items: [{ name: 'display-id', value: 'Lobby' }] }]));
    const phone = phoneOn(server);
    const result = await phone.solicited();
    expect(result.items).toBe(phone.items);
    expect(value(result.items!, 'display-id')).toBe('Lobby');
  });
});
