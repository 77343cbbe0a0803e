import { Injectable } from '@nestjs/common';
import type { ContactEvent } from '@workpoint/contracts';
import type { JobSettlement, QueuedJob, Settlement } from '@workpoint/jobs';
import { settleFileDeployment } from '../file-deployment/file-deployment.settlement';
import { settleSoftwareDeployment } from '../software-deployment/software-deployment.settlement';

/** Deployment's jobs settled by a later contact: firmware and files (one folder each). */
@Injectable()
export class DeploymentSettlement implements JobSettlement {
  settle(job: QueuedJob, contact: ContactEvent): Settlement {
    switch (job.action) {
      case 'SoftwareDeployment':
        return settleSoftwareDeployment(job, contact);
      case 'FileDeployment':
        return settleFileDeployment(job, contact);
      case 'Restart':
      case 'ReadAllItems':
      case 'ReadItems':
      case 'WriteItems':
      case 'CleanUp':
      case 'GetNextFragment':
        // Not deployment's: its command topic accepts SoftwareDeployment and FileDeployment only.
        return undefined;
    }
  }
}
