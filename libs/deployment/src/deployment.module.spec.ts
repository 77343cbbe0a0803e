import { randomBytes, randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SecretBox } from '@workpoint/contact-pipeline';
import { gatewayResponseTopic, JOB_TOPICS, type TopicContract } from '@workpoint/contracts';
import { JOB_SETTLEMENT, JobQueue, type QueuedJob } from '@workpoint/jobs';
import { contactOf, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import { Logger } from '@workpoint/logging';
import { BUS } from '@workpoint/messaging';
import { capturingLogger } from '@workpoint/testing';
import { DataSource } from 'typeorm';
import { DeploymentModule } from './deployment.module';
import { DeploymentStageController } from './job-stage/deployment-stage.controller';

const secretKey = randomBytes(32).toString('base64');

/** What StageCoreModule gives a stage, as test doubles (unit tier: no broker, no database). */
function fakeCore() {
  const published: { topic: string; key: string; value: unknown }[] = [];
  const bus = { publish: jest.fn(async (topic: TopicContract<unknown>, key: string, value: unknown) => void published.push({ topic: topic.name, key, value })) };
  @Global()
  @Module({
    providers: [
      { provide: BUS, useValue: bus },
      { provide: Logger, useValue: capturingLogger('deployment-spec').logger },
      { provide: DataSource, useValue: {} },
    ],
    exports: [BUS, Logger, DataSource],
  })
  class FakeCoreModule {}
  return { FakeCoreModule, published };
}

function fakeQueue(out: QueuedJob[]) {
  return {
    sentJobs: jest.fn(async () => out),
    takeNext: jest.fn(async () => null),
    countQueued: jest.fn(async () => 0),
    requeueUnanswered: jest.fn(async () => undefined),
    complete: jest.fn(async (id: string, outcome: 'accepted' | 'failed') => ({ ...out.find((j) => j.id === id)!, state: 'done' as const, outcome, completedAt: new Date(), itemResults: [] })),
    enqueue: jest.fn(async () => ({ id: '1', created: true })),
    queuedCounts: jest.fn(async () => []),
    withClearSecrets: jest.fn(async () => []),
  };
}

async function deploymentWith(queue: ReturnType<typeof fakeQueue>, override?: (b: ReturnType<typeof Test.createTestingModule>) => void) {
  const core = fakeCore();
  const builder = Test.createTestingModule({ imports: [core.FakeCoreModule, DeploymentModule.forRoot({ secretKey })] })
    .overrideProvider(JobQueue)
    .useValue(queue);
  override?.(builder);
  const moduleRef = await builder.compile();
  return { controller: moduleRef.get(DeploymentStageController), published: core.published };
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
  it('settles a FileDeployment by the phone\'s status through its controller, publishes the outcome, and ends the interaction', async () => {
    const queue = fakeQueue([fileJob()]);
    const { controller, published } = await deploymentWith(queue);
    const contact = statusFor('logo.png', 'ok');
    await controller.onContact(contact);
    expect(queue.complete).toHaveBeenCalledWith('42', 'accepted', []);
    expect(published.map((p) => p.topic)).toEqual([JOB_TOPICS.deployment.completed.name, gatewayResponseTopic(contact.gatewayId).name]);
    expect(published[1]!.value).toMatchObject({ action: 'CleanUp', respondedBy: 'deployment' });
  });

  it('takes its settlement rules from the JOB_SETTLEMENT provider, which a test can replace', async () => {
    const queue = fakeQueue([fileJob()]);
    const { controller } = await deploymentWith(queue, (b) => void b.overrideProvider(JOB_SETTLEMENT).useValue({ settle: () => 'failed' }));
    await controller.onContact(statusFor('logo.png', 'ok'));
    expect(queue.complete).toHaveBeenCalledWith('42', 'failed', []);
  });

  it('queues a commanded job with its file-pwd sealed under CONFIG_SECRET_KEY', async () => {
    const queue = fakeQueue([]);
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
