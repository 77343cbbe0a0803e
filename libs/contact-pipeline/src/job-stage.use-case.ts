import type { ContactEvent } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { JobQueue } from './job-queue';
import { answer, pass, type StageDecision } from './stage-decision';

/**
 * A stage that answers a contact with the phone's next queued job, if it has one. Which
 * reasons and replies let a job run, and how its outcome is recorded, is the protocol work
 * that follows the walking skeleton; for now any contact that reaches the stage may carry one.
 */
export class JobStageUseCase {
  constructor(
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
  ) {}

  async handle(contact: ContactEvent): Promise<StageDecision> {
    const job = await this.jobs.takeNext(contact.mac, contact.contactId);
    if (!job) return pass();
    this.logger.info('sending queued job', { mac: contact.mac, correlationId: contact.interactionId, jobId: job.id, action: job.action });
    return answer(job.action, `job ${job.id}`, job.items);
  }
}
