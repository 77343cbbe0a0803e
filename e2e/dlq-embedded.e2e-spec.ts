import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentJobRequestedTopic } from '@workpoint/contracts';
import { type RunningStack, startEmbedded } from '@workpoint/stack';
import { eventually, randomMac } from '@workpoint/testing';
import { Pool } from 'pg';
import { runWorkpointCli } from './workpoint-cli';

/**
 * `workpoint dlq --data-dir` as an embedded operator runs it: the built CLI against the data
 * directory of a running embedded default, with no DATABASE_URL. The letter is written into
 * deployment's `dead_letter` as the failure path writes one without a key (masked original), so
 * the replay that the CLI asks for is carried out by the running deployment service.
 */

// Not the infrastructure's DATABASE_URL: --data-dir alone must find the database.
const cliEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL'));

function workpoint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWorkpointCli(args, cliEnv);
}

describe('workpoint dlq --data-dir against the embedded mode', () => {
  let dataDir: string;
  let stack: RunningStack | undefined;
  let db: Pool;
  const id = randomUUID();
  const mac = randomMac();
  const requestId = randomUUID();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-dlq-'));
    stack = await startEmbedded({ dataDir });
    db = new Pool({ connectionString: stack.databaseUrl!, max: 2 });
    const command = { requestId, mac, action: 'FileDeployment', items: [{ name: 'file-https-base-url', value: 'https://files.example/ring.wav' }, { name: 'file-type', value: 'RINGTONE' }], contactMe: false, requestedBy: 'e2e-dlq' };
    await db.query(
      `INSERT INTO deployment.dead_letter (id, source_topic, group_id, key, headers, value, value_sealed, error_code, error, attempts, failed_at)
       VALUES ($1, $2, 'workpoint-deployment', $3, '{}', $4, false, 'permanent-failure', 'e2e: cause since fixed', 1, now())`,
      [id, DeploymentJobRequestedTopic.name, mac, JSON.stringify(command)],
    );
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists and shows the letter from the data directory alone', async () => {
    const list = await workpoint('dlq', 'list', '--service', 'deployment', '--json', '--data-dir', dataDir);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([expect.objectContaining({ id, service: 'deployment', key: mac, state: 'dead' })]);
    const show = await workpoint('dlq', 'show', id, '--json', '--data-dir', dataDir);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id, error: 'e2e: cause since fixed', valueSealed: false });
  });

  it('replays it through the running deployment service, which queues the job', async () => {
    const replay = await workpoint('dlq', 'replay', id, '--data-dir', dataDir);
    expect(replay).toMatchObject({ code: 0, stderr: '' });
    expect(replay.stdout).toContain(`${id} replayed to ${DeploymentJobRequestedTopic.name}`);
    await eventually(async () => ((await db.query('SELECT 1 FROM deployment.deployment_job WHERE request_id = $1', [requestId])).rowCount === 1 ? true : undefined));
  });

  it('says the embedded database must be running once Workpoint is stopped', async () => {
    await db.end();
    await stack!.stop();
    stack = undefined;
    db = { end: async () => undefined } as unknown as Pool;
    const list = await workpoint('dlq', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(3);
    expect(list.stderr).toBe(`workpoint: the embedded PostgreSQL in ${join(dataDir, 'postgres')} is not running (no server process); start Workpoint on that data directory (npm start) and try again\n`);
  });
});
