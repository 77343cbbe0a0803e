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

    const second = h.contact(mac, readAllAccepted);
    await h.send(second);
    expect(await h.passOf(second)).toMatchObject({ contactId: second.contactId });
  });
});
