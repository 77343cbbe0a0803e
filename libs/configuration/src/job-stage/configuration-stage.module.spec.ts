import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { ContactEvent } from '@workpoint/contracts';
import { JOB_TOPICS } from '@workpoint/contracts';
import { JOB_OUTBOX, JobQueue, type QueuedJob } from '@workpoint/jobs';
import { contactOf, FAKE_TX, fakeJobOutbox, fakeJobQueue, fakeStageCore, sentJob } from '@workpoint/jobs/src/testing/job-fixtures';
import type { WpiItem } from '@workpoint/wpi-codec';
import { ConfigurationModule } from '../configuration.module';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { Outbox } from '@workpoint/database';
import { ConfigurationStageController } from './configuration-stage.controller';

/** ConfigurationSync as the job stage uses it: before each contact, and sealing of job items. */
function fakeSync() {
  const seen: string[] = [];
  return {
    seen,
    onContact: jest.fn(async (contact: ContactEvent) => void seen.push(`contact ${contact.message.reason}`)),
    onWriteAnswered: jest.fn(async (job: QueuedJob, tx: unknown) => {
      seen.push(`answered ${job.action} in ${tx === FAKE_TX ? 'the completion' : 'another'} transaction`);
      return async () => void seen.push(`after the commit of ${job.action}`);
    }),
    conceal: (items: readonly WpiItem[]) => items.map((i) => ({ ...i, value: `sealed(${i.value})` })),
    reveal: (items: readonly WpiItem[]) => [...items],
  };
}

async function configurationWith(queue: ReturnType<typeof fakeJobQueue>) {
  const core = fakeStageCore();
  const sync = fakeSync();
  const outbox = fakeJobOutbox();
  const moduleRef = await Test.createTestingModule({ imports: [core.FakeCoreModule, ConfigurationModule.forRoot({ secretKey: randomBytes(32).toString('base64') })] })
    .overrideProvider(JobQueue)
    .useValue(queue)
    .overrideProvider(ConfigurationSync)
    .useValue(sync)
    .overrideProvider(Outbox)
    .useValue({})
    .overrideProvider(JOB_OUTBOX)
    .useValue(outbox.outbox)
    .compile();
  return { controller: moduleRef.get(ConfigurationStageController), sync, outbox };
}

describe('ConfigurationModule job stage', () => {
  it('runs ConfigurationSync before the queued jobs, and settles a Restart on the next interaction (RestartSettlement)', async () => {
    const restart = { ...sentJob('Restart'), id: '5' };
    const queue = fakeJobQueue([restart]);
    const { controller, sync, outbox } = await configurationWith(queue);
    await controller.onContact(contactOf({ reason: 'start-up' }));
    expect(sync.onContact).toHaveBeenCalledTimes(1);
    expect(queue.sentJobs.mock.invocationCallOrder[0]).toBeGreaterThan(sync.onContact.mock.invocationCallOrder[0]!);
    expect(queue.complete).toHaveBeenCalledWith('5', 'accepted', [], FAKE_TX);
    // The answer reaches ConfigurationSync and the completion's event the outbox, both in the completion's transaction (ConfigurationJobEvents).
    expect(outbox.added.map((e) => [e.topic, e.tx])).toEqual([[JOB_TOPICS.configuration.completed.name, FAKE_TX]]);
    expect(sync.seen).toEqual(['contact start-up', 'answered Restart in the completion transaction', 'after the commit of Restart']);
    expect(outbox.outbox.kick).toHaveBeenCalledTimes(1);
  });

  it('queues a commanded job with its items sealed by ConfigurationSync', async () => {
    const queue = fakeJobQueue([]);
    const { controller } = await configurationWith(queue);
    await controller.onJobRequested({ requestId: randomUUID(), mac: '02:00:00:00:00:01', action: 'WriteItems', items: [{ name: 'sip-pwd', value: 'hunter2' }], contactMe: false, requestedBy: 'spec' });
    expect(queue.enqueue).toHaveBeenCalledWith('02:00:00:00:00:01', 'WriteItems', [{ name: 'sip-pwd', value: 'sealed(hunter2)' }], expect.any(String));
  });
});
