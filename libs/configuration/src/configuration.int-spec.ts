import { JobQueue } from '@workpoint/contact-pipeline';
import { pendingSchemaChanges } from '@workpoint/database';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { randomMac } from '@workpoint/testing';
import { ConfigurationModule } from './configuration.module';
import { CONFIGURATION_JOB_TABLE, CONFIGURATION_SCHEMA } from './configuration.schema';

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, (d) => ConfigurationModule.register(d));
});
afterAll(() => h?.close());

const readAllAccepted = { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: [] };

describe('configuration service on Kafka and PostgreSQL', () => {
  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(h.dataSource)).toEqual([]);
  });

  it('passes a contact on when it has nothing queued for the phone', async () => {
    const c = h.contact(randomMac(), readAllAccepted);
    await h.send(c);
    expect(await h.passOf(c)).toMatchObject({ contactId: c.contactId, mac: c.mac });
  });

  it('answers with the queued job once, and with the same job again on a redelivery', async () => {
    const mac = randomMac();
    await new JobQueue(h.dataSource, CONFIGURATION_JOB_TABLE).enqueue(mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '60' }]);
    const first = h.contact(mac, readAllAccepted);
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'WriteItems', respondedBy: 'configuration', items: [{ name: 'sntp-tz-offset', value: '60' }] });

    h.responses.length = 0;
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'WriteItems' });

    const answered = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [] }, first.interactionId);
    await h.send(answered);
    expect(await h.passOf(answered)).toMatchObject({ contactId: answered.contactId });
  });
});

describe('configuration jobs and the phone\'s answers', () => {
  const jobs = () => new JobQueue(h.dataSource, CONFIGURATION_JOB_TABLE);
  const write = [{ name: 'sntp-tz-offset', value: '60' }, { name: 'device-type', value: 'x' }];

  it('records an accepted WriteItems with the items the phone flagged, then moves on', async () => {
    const mac = randomMac();
    const id = await jobs().enqueue(mac, 'WriteItems', write);
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'WriteItems' });
    const reply = h.contact(
      mac,
      { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [{ name: 'device-type', value: null, status: 'read only' }] },
      solicited.interactionId,
    );
    await h.send(reply);
    expect(await h.passOf(reply)).toMatchObject({ contactId: reply.contactId });
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted', itemResults: [{ name: 'device-type', value: null, status: 'read only' }] });
  });

  it('keeps a job queued when the phone is busy, asks it to call back, and runs the job on the call-back', async () => {
    const mac = randomMac();
    const id = await jobs().enqueue(mac, 'WriteItems', write);
    const first = h.contact(mac, { reason: 'solicited' });
    await h.send(first);
    await h.responseTo(first);
    const busy = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'busy' }, fragment: 'final' }, first.interactionId);
    await h.send(busy);
    expect(await h.responseTo(busy)).toMatchObject({ action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] });
    expect(await jobs().find(id)).toMatchObject({ state: 'queued', busyCount: 1 });

    // A redelivered busy reply gives the same answer and does not take the job again.
    h.responses.length = 0;
    await h.send(busy);
    expect(await h.responseTo(busy)).toMatchObject({ action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] });
    expect(await jobs().find(id)).toMatchObject({ state: 'queued', busyCount: 1 });

    const callBack = h.contact(mac, { reason: 'solicited' });
    await h.send(callBack);
    expect(await h.responseTo(callBack)).toMatchObject({ action: 'WriteItems', items: write });
    const accepted = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [] }, callBack.interactionId);
    await h.send(accepted);
    await h.passOf(accepted);
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted', busyCount: 1 });
  });

  it('records a failed action and runs the next job in the same interaction, in queue order', async () => {
    const mac = randomMac();
    const first = await jobs().enqueue(mac, 'ReadItems', [{ name: 'reg-addr', value: null }]);
    const second = await jobs().enqueue(mac, 'WriteItems', write);
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'ReadItems' });
    const failed = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadItems', status: 'failed' } }, solicited.interactionId);
    await h.send(failed);
    expect(await h.responseTo(failed)).toMatchObject({ action: 'WriteItems' });
    expect(await jobs().find(first)).toMatchObject({ state: 'done', outcome: 'failed' });
    expect(await jobs().find(second)).toMatchObject({ state: 'sent' });
  });

  it('queues a job again when its interaction ended without an answer', async () => {
    const mac = randomMac();
    const id = await jobs().enqueue(mac, 'WriteItems', write);
    const lost = h.contact(mac, { reason: 'solicited' });
    await h.send(lost);
    await h.responseTo(lost);
    const later = h.contact(mac, { reason: 'solicited' });
    await h.send(later);
    expect(await h.responseTo(later)).toMatchObject({ action: 'WriteItems' });
    expect(await jobs().find(id)).toMatchObject({ state: 'sent', sentInInteraction: later.interactionId });
  });

  it('settles a Restart when the phone gets in touch again after rebooting', async () => {
    const mac = randomMac();
    const id = await jobs().enqueue(mac, 'Restart');
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'Restart' });
    const afterReboot = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } });
    await h.send(afterReboot);
    await h.passOf(afterReboot);
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted' });
  });
});
