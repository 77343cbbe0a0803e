import { describeMigratedSchema } from '@workpoint/database';
import { infraFromEnv } from '@workpoint/testing';
import { DeploymentInitial1764115200002 } from './1764115200002-deployment-initial';
import { DeploymentJobOutcome1764115200004 } from './1764115200004-deployment-job-outcome';
import { DeploymentJobParts1764115200007 } from './1764115200007-deployment-job-parts';
import { DeploymentJobRetention1764115200032 } from './1764115200032-deployment-job-retention';

/**
 * The migrations that were frozen as literal SQL. Before, they called shared SQL generators,
 * so editing a helper rewrote history; the snapshot was taken from those generated migrations
 * and the literal ones must build exactly the same schema. Migrations added later are not in
 * this list: they were written literal from the start.
 */
const FROZEN = [DeploymentInitial1764115200002, DeploymentJobOutcome1764115200004, DeploymentJobParts1764115200007, DeploymentJobRetention1764115200032];

describe('deployment migrations', () => {
  it('build, from an empty database, the schema the snapshot recorded before they were frozen', async () => {
    expect(await describeMigratedSchema(infraFromEnv().databaseUrl, { schema: 'deployment', migrations: FROZEN })).toMatchSnapshot();
  });
});
