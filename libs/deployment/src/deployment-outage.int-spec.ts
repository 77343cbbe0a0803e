import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusJobEvents, JobQueue, JobStageUseCase } from '@workpoint/jobs';
import { DeploymentJobRequestedTopic, JOB_TOPICS } from '@workpoint/contracts';
import { type OutageHarness, startOutageHarness } from '@workpoint/stage-harness';
import { distinctMacs, eventually } from '@workpoint/testing';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

/**
 * Issue 9: PostgreSQL goes away for 10 s while job commands arrive. The deployment job stage's
 * use case runs on a PostgreSQL of its own (see OutageHarness) and the shared broker.
 */
const OUTAGE_MS = 10_000;
const macs = distinctMacs(11);
const jobMacs = macs.slice(0, 10);
const malformedMac = macs[10]!;
let h: OutageHarness;

beforeAll(async () => {
  h = await startOutageHarness({
    name: 'deployment-outage-int',
    owned: DEPLOYMENT_SCHEMA,
    topic: DeploymentJobRequestedTopic,
    publishesTo: Object.values(JOB_TOPICS.deployment),
    macs,
    macOf: (command) => command.mac,
    handler: ({ bus, dataSource, logger }) => {
      const useCase = new JobStageUseCase(new JobQueue(dataSource, DEPLOYMENT_JOB_TABLE), new BusJobEvents('deployment', bus), logger);
      return (command) => useCase.request(command);
    },
  });
}, 120_000);
afterAll(() => h?.close());

describe('deployment job commands while PostgreSQL is down', () => {
  it('carries out every command once the database is back, dead-letters none of them, and dead-letters a malformed one once', async () => {
    const requestIds = jobMacs.map(() => randomUUID());
    await h.db.pause();
    await Promise.all(
      jobMacs.map((mac, i) =>
        h.bus.publish(DeploymentJobRequestedTopic, mac, {
          requestId: requestIds[i]!,
          mac,
          action: 'FileDeployment',
          items: [
            { name: 'file-https-base-url', value: `https://files.example/ring-${i}.wav` },
            { name: 'file-type', value: 'RINGTONE' },
          ],
          contactMe: false,
          requestedBy: 'outage-int',
        }),
      ),
    );
    await h.publishRaw(DeploymentJobRequestedTopic, malformedMac, JSON.stringify({ mac: malformedMac, action: 'Reboot' }));

    // The handlers meet the outage and keep retrying instead of giving up.
    await eventually(async () => h.logLines.find((l) => l.includes('handler failed on a transient error')));
    await sleep(OUTAGE_MS);
    expect(h.deadLetters.filter((d) => d.key !== malformedMac)).toEqual([]);

    await h.db.resume();
    const stored = await eventually(async () => {
      const rows: Array<{ request_id: string }> = await h.dataSource.query(`SELECT request_id FROM ${DEPLOYMENT_JOB_TABLE} WHERE request_id = ANY($1)`, [requestIds]);
      return rows.length === requestIds.length ? rows : undefined;
    });
    expect(stored.map((r) => r.request_id).sort()).toEqual([...requestIds].sort());
    await eventually(async () => (h.deadLetters.some((d) => d.key === malformedMac) ? true : undefined));
    expect(h.deadLetters.filter((d) => jobMacs.includes(d.key ?? ''))).toEqual([]);
    expect(h.deadLetters.filter((d) => d.key === malformedMac)).toEqual([expect.objectContaining({ sourceTopic: DeploymentJobRequestedTopic.name, attempts: 0 })]);
  });
});
