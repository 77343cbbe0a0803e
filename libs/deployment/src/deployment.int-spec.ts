import { JobQueue } from '@workpoint/contact-pipeline';
import { pendingSchemaChanges } from '@workpoint/database';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { randomMac } from '@workpoint/testing';
import { DeploymentModule } from './deployment.module';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('deployment', DEPLOYMENT_SCHEMA, (d) => DeploymentModule.register(d));
});
afterAll(() => h?.close());

describe('deployment service on Kafka and PostgreSQL', () => {
  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(h.dataSource)).toEqual([]);
  });

  it('ends a contact nobody has work for with CleanUp', async () => {
    const c = h.contact(randomMac(), { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'CleanUp', respondedBy: 'deployment', interactionId: c.interactionId, mac: c.mac });
  });

  it('sends a queued deployment job before ending the interaction', async () => {
    const mac = randomMac();
    const file = [
      { name: 'file-https-base-url', value: 'https://files.example/ringtone.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ];
    await new JobQueue(h.dataSource, DEPLOYMENT_JOB_TABLE).enqueue(mac, 'FileDeployment', file);
    const c = h.contact(mac, { reason: 'solicited' });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'FileDeployment', respondedBy: 'deployment', items: file });
  });
});
