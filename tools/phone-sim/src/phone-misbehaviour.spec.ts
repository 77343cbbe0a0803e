import type { ServerResponse } from 'node:http';
import { SimulatedPhone } from './phone.simulator';
import { type SeenRequest, fakeDlsPerTest } from './testing/fake-dls.server';
import { answer, byReason, scriptedDls } from './testing/scripted-dls.handler';

// Deliberate protocol violations a service must survive.
describe('a misbehaving phone', () => {
  const serve = fakeDlsPerTest();

  const mac = '00:1A:E8:00:AA:01';
  const macOf = (request: SeenRequest): string | null | undefined => request.message.items.find((item) => item.name === 'mac-addr')?.value;

  it('changes its MAC between the messages of one interaction', async () => {
    const server = await serve(scriptedDls([{ action: 'ReadAllItems' }, { action: 'ReadItems', items: [{ name: 'e164', value: null }] }]));
    await new SimulatedPhone({ mac, urls: [server.url], behaviour: { misbehave: { switchMacTo: '00:1a:e8:00:bb:02' } } }).startUp();

    expect(server.requests.map(macOf)).toEqual([mac, '00:1A:E8:00:BB:02', '00:1A:E8:00:BB:02']);
    expect(server.requests[1].message.items.filter((item) => item.name === 'mac-addr')).toHaveLength(1);
  });

  it('runs two interactions of the same phone at the same time', async () => {
    const held: Array<() => void> = [];
    const server = await serve((request, response) => {
      const reply = (): void => answer(request, response, { action: 'CleanUp' });
      // Answer nothing until both start-ups are in: they really overlap.
      held.push(reply);
      if (held.length === 2) held.splice(0).forEach((send) => send());
    });
    const results = await new SimulatedPhone({ mac, urls: [server.url] }).overlappingInteractions();

    expect(results.map((result) => result.ok)).toEqual([true, true]);
    expect(server.requests.map((request) => request.message.reason)).toEqual(['start-up', 'start-up']);
    expect(server.requests.map(macOf)).toEqual([mac, mac]);
    expect(server.requests[0].message.nonce).not.toBe(server.requests[1].message.nonce);
  });

  it('opens with a reply-to for an action it never received', async () => {
    const server = await serve(scriptedDls([]));
    const result = await new SimulatedPhone({ mac, urls: [server.url] }).strayReplyTo('WriteItems', 'accepted');

    expect(result).toMatchObject({ ok: true, reason: 'reply-to' });
    expect(server.requests[0].message).toMatchObject({
      reason: 'reply-to',
      replyTo: { action: 'WriteItems', status: 'accepted' },
      fragment: 'final',
      items: [{ name: 'mac-addr', value: mac }],
    });
    expect(server.requests[0].headers.cookie).toBeUndefined();
  });

  it('answers an action with a reply-to naming another one', async () => {
    const server = await serve(scriptedDls([{ action: 'ReadAllItems' }]));
    await new SimulatedPhone({ mac, urls: [server.url], behaviour: { misbehave: { replyToAction: 'WriteItems' } } }).startUp();
    expect(server.requests[1].message.replyTo).toEqual({ action: 'WriteItems', status: 'accepted' });
    expect(server.requests[1].message.items).toHaveLength(200);
  });

  it('never sends fragment="final", until the exchange cap ends it', async () => {
    const server = await serve(
      byReason({
        'start-up': { action: 'ReadAllItems' },
        'reply-to': (request: SeenRequest) => ({ action: request.message.fragment === 'next' ? 'GetNextFragment' : 'CleanUp' }),
      }),
    );
    const result = await new SimulatedPhone({
      mac,
      urls: [server.url],
      itemCount: 30,
      maxExchanges: 6,
      behaviour: { fragmentSize: 20, misbehave: { endlessFragments: true } },
    }).startUp();

    expect(result.ok).toBe(false);
    expect(result.error).toBe('service did not send CleanUp within 6 exchanges');
    const fragments = server.requests.slice(1).map((request) => [request.message.fragment, request.message.items.length]);
    expect(fragments).toEqual([
      ['next', 20],
      ['next', 10],
      ['next', 20],
      ['next', 10],
      ['next', 20],
    ]);
  });

  it('never ends even an unfragmented reply when told to', async () => {
    const server = await serve((request: SeenRequest, response: ServerResponse) =>
      answer(request, response, { action: request.message.reason === 'start-up' ? 'ReadAllItems' : 'GetNextFragment' }),
    );
    const result = await new SimulatedPhone({ mac, urls: [server.url], itemCount: 20, maxExchanges: 3, behaviour: { misbehave: { endlessFragments: true } } }).startUp();
    expect(result.ok).toBe(false);
    expect(server.requests.slice(1).map((request) => [request.message.fragment, request.message.items.length])).toEqual([
      ['next', 20],
      ['next', 20],
    ]);
  });
});
