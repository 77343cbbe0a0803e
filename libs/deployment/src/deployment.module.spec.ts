import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { SecretBox } from '@workpoint/contact-pipeline';
import { gatewayResponseTopic, JOB_TOPICS } from '@workpoint/contracts';
import { JOB_OUTBOX, JOB_SETTLEMENT, JobQueue } from '@workpoint/jobs';
import { contactOf, FAKE_TX, fakeJobOutbox, fakeJobQueue, fakeStageCore, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import { DeploymentModule } from './deployment.module';
import { DeploymentStageController } from './job-stage/deployment-stage.controller';

const secretKey = randomBytes(32).toString('base64');

async function deploymentWith(queue: ReturnType<typeof fakeJobQueue>, override?: (b: ReturnType<typeof Test.createTestingModule>) => void) {
  const core = fakeStageCore();
  const outbox = fakeJobOutbox();
  const builder = Test.createTestingModule({ imports: [core.FakeCoreModule, DeploymentModule.forRoot({ secretKey })] })
    .overrideProvider(JobQueue)
    .useValue(queue)
    .overrideProvider(JOB_OUTBOX)
    .useValue(outbox.outbox);
  override?.(builder);
  const moduleRef = await builder.compile();
  return { controller: moduleRef.get(DeploymentStageController), published: core.published, outbox };
}

const fileJob = () => ({ ...sentJob('FileDeployment', [{ name: 'file-https-base-url', value: 'https://files.example/logo.png' }]), id: '42' });
const statusFor = (name: string, state: string) =>
  contactOf({
    reason: 'status',
    items: [
      { name: 'file-deployment-name', value: name, index: 1 },
      { name: 'file-deployment-status', value: state, index: 1 },
    ],
  });

describe('DeploymentModule', () => {
  it('settles a FileDeployment by the phone\'s status through its controller, writes the outcome\'s event in its transaction (outbox), and ends the interaction', async () => {
    const queue = fakeJobQueue([fileJob()]);
    const { controller, published, outbox } = await deploymentWith(queue);
    const contact = statusFor('logo.png', 'ok');
    await controller.onContact(contact);
    expect(queue.complete).toHaveBeenCalledWith('42', 'accepted', [], FAKE_TX);
    expect(outbox.added).toEqual([{ topic: JOB_TOPICS.deployment.completed.name, key: contact.mac, value: expect.objectContaining({ jobId: '42', outcome: 'accepted' }), tx: FAKE_TX }]);
    expect(outbox.outbox.kick).toHaveBeenCalledTimes(1);
    expect(published.map((p) => p.topic)).toEqual([gatewayResponseTopic(contact.gatewayId).name]);
    expect(published[0]!.value).toMatchObject({ action: 'CleanUp', respondedBy: 'deployment' });
  });

  it('takes its settlement rules from the JOB_SETTLEMENT provider, which a test can replace', async () => {
    const queue = fakeJobQueue([fileJob()]);
    const { controller } = await deploymentWith(queue, (b) => void b.overrideProvider(JOB_SETTLEMENT).useValue({ settle: () => 'failed' }));
    await controller.onContact(statusFor('logo.png', 'ok'));
    expect(queue.complete).toHaveBeenCalledWith('42', 'failed', [], FAKE_TX);
  });

  it('queues a commanded job with its file-pwd sealed under CONFIG_SECRET_KEY', async () => {
    const queue = fakeJobQueue([]);
    const { controller } = await deploymentWith(queue);
    const items = [
      { name: 'file-https-base-url', value: 'https://files.example/logo.png' },
      { name: 'file-pwd', value: 'hunter2' },
    ];
    await controller.onJobRequested({ requestId: randomUUID(), mac: '02:00:00:00:00:01', action: 'FileDeployment', items, contactMe: false, requestedBy: 'spec' });
    const [, action, stored] = queue.enqueue.mock.calls[0] as unknown as [string, string, { name: string; value: string }[]];
    expect(action).toBe('FileDeployment');
    expect(JSON.stringify(stored)).not.toContain('hunter2');
    expect(SecretBox.fromBase64(secretKey).open(stored.find((i) => i.name === 'file-pwd')!.value)).toBe('hunter2');
  });
});
