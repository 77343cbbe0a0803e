import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from '@workpoint/logging';
import { JOB_ITEM_SECRETS, JobQueue, SealedJobItems, sealJobsStoredInClear } from '@workpoint/jobs';

/** Versions before issue 8 stored deployment jobs' file-pwd in clear: sealed at start-up. */
@Injectable()
export class SealJobsStoredInClearOnBoot implements OnApplicationBootstrap {
  constructor(
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(JOB_ITEM_SECRETS) private readonly sealed: SealedJobItems,
    @Inject(Logger) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await sealJobsStoredInClear(this.jobs, this.sealed, this.logger);
  }
}
