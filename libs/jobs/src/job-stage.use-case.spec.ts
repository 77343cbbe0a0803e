import { WorkpointMetrics } from '@workpoint/metrics';
import { capturingLogger } from '@workpoint/testing';
import type { JobQueue, QueuedJob } from './job-queue';
import { type JobSettlement, NO_SETTLEMENT, type Settlement } from './job-settlement';
import { JobStageUseCase, PLAIN_ITEMS, relatedItemsTogether } from './job-stage.use-case';
import { contactOf, sentJob } from './testing/job-fixtures';

describe('relatedItemsTogether', () => {
  const key = (index: number, name: string) => ({ name, index, value: `${name}-${index}` });

  it('puts each related group in one run, at the place of its first item, keeping the rest in order', () => {
    const items = [
      key(1, 'function-key-def'),
      { name: 'sntp-addr', value: 'ntp' },
      key(3, 'function-key-def'),
      key(1, 'key-label'),
      { name: 'vlan-id', value: '3' },
      key(3, 'key-label'),
    ];
    expect(relatedItemsTogether(items)).toEqual([
      key(1, 'function-key-def'),
      key(1, 'key-label'),
      { name: 'sntp-addr', value: 'ntp' },
      key(3, 'function-key-def'),
      key(3, 'key-label'),
      { name: 'vlan-id', value: '3' },
    ]);
  });

  it('leaves items without relations as they are', () => {
    const items = [{ name: 'b', value: '1' }, { name: 'a', value: '2' }];
    expect(relatedItemsTogether(items)).toEqual(items);
  });
});

/** The transaction a completion runs in (the queue's `transaction` hands it to the work). */
const TX = { transaction: 'of the completion' };

describe('JobStageUseCase: jobs still out when the phone gets in touch', () => {
  function stageWith(out: QueuedJob[], settlement: JobSettlement, metrics?: WorkpointMetrics) {
    const jobs = {
      sentJobs: jest.fn(async () => out),
      requeueUnanswered: jest.fn(async () => undefined),
      complete: jest.fn(async (id: string, outcome: 'accepted' | 'failed') => ({ ...out.find((j) => j.id === id)!, state: 'done' as const, outcome })),
      takeNext: jest.fn(async () => null),
      countQueued: jest.fn(async () => 0),
      transaction: jest.fn(async <T>(work: (tx: unknown) => Promise<T>) => work(TX)),
      enqueue: jest.fn(async () => ({ id: '11', created: true })),
    };
    const afterCommit = jest.fn(async () => undefined);
    const events = {
      completed: jest.fn(async () => afterCommit),
      pendingChanged: jest.fn(async () => undefined),
      contactMe: jest.fn(async () => undefined),
    };
    const useCase = new JobStageUseCase(jobs as unknown as JobQueue, events, capturingLogger('job-stage-spec').logger, PLAIN_ITEMS, settlement, metrics?.store, 'deployment');
    return { useCase, jobs, events, afterCommit };
  }

  it('asks the stage\'s settlement about jobs answered without a reply-to, and records its verdict', async () => {
    const restart = { ...sentJob('Restart'), id: '7' };
    const settle = jest.fn((): Settlement => 'accepted');
    const { useCase, jobs, events, afterCommit } = stageWith([restart], { settle });
    const contact = contactOf({ reason: 'start-up' });
    await useCase.handle(contact);
    expect(settle).toHaveBeenCalledWith(restart, contact);
    expect(jobs.complete).toHaveBeenCalledWith('7', 'accepted', [], TX);
    // The event is written in the completion's transaction; what follows the commit comes after.
    expect(events.completed).toHaveBeenCalledWith(expect.objectContaining({ id: '7', outcome: 'accepted' }), TX);
    expect(afterCommit).toHaveBeenCalledTimes(1);
    expect(jobs.transaction.mock.invocationCallOrder[0]).toBeLessThan(afterCommit.mock.invocationCallOrder[0]!);
    expect(jobs.requeueUnanswered).not.toHaveBeenCalled();
  });

  it('queues again a job the settlement says the phone never got, and records no outcome', async () => {
    const file = { ...sentJob('FileDeployment'), id: '8' };
    const { useCase, jobs, events } = stageWith([file], { settle: (): Settlement => 'send-again' });
    await useCase.handle(contactOf({ reason: 'start-up' }));
    expect(jobs.requeueUnanswered).toHaveBeenCalledWith('8');
    expect(jobs.complete).not.toHaveBeenCalled();
    expect(events.completed).not.toHaveBeenCalled();
    // Then this very contact takes the phone's next queued job (the one just queued again, if nothing comes before it).
    expect(jobs.takeNext).toHaveBeenCalledTimes(1);
    expect(jobs.requeueUnanswered.mock.invocationCallOrder[0]).toBeLessThan(jobs.takeNext.mock.invocationCallOrder[0]!);
  });

  it('leaves a job out when the settlement has no verdict', async () => {
    const { useCase, jobs, events } = stageWith([sentJob('FileDeployment')], NO_SETTLEMENT);
    await useCase.handle(contactOf({ reason: 'solicited' }));
    expect(jobs.complete).not.toHaveBeenCalled();
    expect(events.completed).not.toHaveBeenCalled();
  });

  it('queues again a job that needed a reply-to and was sent in an interaction that ended without it, without asking the settlement', async () => {
    const write = { ...sentJob('WriteItems', [{ name: 'sntp-addr', value: 'ntp' }]), id: '9' };
    const settle = jest.fn((): Settlement => 'accepted');
    const { useCase, jobs } = stageWith([write], { settle });
    await useCase.handle(contactOf({ reason: 'solicited' }));
    expect(jobs.requeueUnanswered).toHaveBeenCalledWith('9');
    expect(settle).not.toHaveBeenCalled();
  });

  it('keeps waiting for the reply-to within the interaction the job was sent in', async () => {
    const write = sentJob('WriteItems');
    const { useCase, jobs } = stageWith([write], NO_SETTLEMENT);
    await useCase.handle(contactOf({ reason: 'solicited' }, write.sentInInteraction!));
    expect(jobs.requeueUnanswered).not.toHaveBeenCalled();
  });

  it('takes no job for a contact the phone no longer waits for (past answerBy: the gateway answered it), but still settles what it shows', async () => {
    const restart = { ...sentJob('Restart'), id: '7' };
    const { useCase, jobs, events } = stageWith([restart], { settle: (): Settlement => 'accepted' });
    const late = contactOf({ reason: 'start-up' });
    late.answerBy = new Date(Date.now() - 1_000).toISOString();
    expect(await useCase.handle(late)).toEqual({ kind: 'pass' });
    expect(jobs.takeNext).not.toHaveBeenCalled();
    expect(events.completed).toHaveBeenCalledTimes(1);
  });

  it('counts a job queued once per request, and a job completed by stage, action and outcome (metrics)', async () => {
    const metrics = new WorkpointMetrics({ processMetrics: false });
    const restart = { ...sentJob('Restart'), id: '7' };
    const { useCase, jobs } = stageWith([restart], { settle: (): Settlement => 'accepted' }, metrics);
    await useCase.request({ requestId: 'r-1', mac: restart.mac, action: 'FileDeployment', items: [], contactMe: false, requestedBy: 'test' });
    jobs.enqueue.mockResolvedValueOnce({ id: '11', created: false });
    await useCase.request({ requestId: 'r-1', mac: restart.mac, action: 'FileDeployment', items: [], contactMe: false, requestedBy: 'test' });
    await useCase.handle(contactOf({ reason: 'start-up' }));
    const lines = (await metrics.registry.metrics()).split('\n');
    expect(lines).toContain('workpoint_jobs_queued_total{stage="deployment",action="FileDeployment"} 1');
    expect(lines).toContain('workpoint_jobs_completed_total{stage="deployment",action="Restart",outcome="accepted"} 1');
  });
});
