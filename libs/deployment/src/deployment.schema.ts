import { OutboxEntity } from '@workpoint/database';
import { DeadLetterEntity } from '@workpoint/messaging';
import { DeploymentDeadLetter1764115200092 } from './migrations/1764115200092-deployment-dead-letter';
import { jobEntitySchema } from '@workpoint/jobs';
import { DeploymentInitial1764115200002 } from './migrations/1764115200002-deployment-initial';
import { DeploymentJobOutcome1764115200004 } from './migrations/1764115200004-deployment-job-outcome';
import { DeploymentJobParts1764115200007 } from './migrations/1764115200007-deployment-job-parts';
import { DeploymentJobRetention1764115200032 } from './migrations/1764115200032-deployment-job-retention';
import { DeploymentOutbox1764115200093 } from './migrations/1764115200093-deployment-outbox';
import { DeploymentOutboxHeaders1764115200096 } from './migrations/1764115200096-deployment-outbox-headers';

export const DEPLOYMENT_JOB_TABLE = 'deployment_job';

/** Everything the deployment service owns in PostgreSQL. */
export const DEPLOYMENT_SCHEMA = {
  schema: 'deployment',
  entities: [jobEntitySchema(DEPLOYMENT_JOB_TABLE), DeadLetterEntity, OutboxEntity],
  migrations: [DeploymentInitial1764115200002, DeploymentJobOutcome1764115200004, DeploymentJobParts1764115200007, DeploymentJobRetention1764115200032, DeploymentDeadLetter1764115200092, DeploymentOutbox1764115200093, DeploymentOutboxHeaders1764115200096],
};
