import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { SecretBox } from '@workpoint/contact-pipeline';
import { DeploymentJobRequestedTopic, JOB_TOPICS, type JobCompleted } from '@workpoint/contracts';
import { JobQueue } from '@workpoint/jobs';
import { StageCoreModule } from '@workpoint/runtime';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { capturingLogger, eventually, randomId, randomMac } from '@workpoint/testing';
import { DeploymentModule } from './deployment.module';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

const capturing = capturingLogger('deployment-int-seal');

const secretKey = randomBytes(32).toString('base64');
let h: StageHarness;
const completed: JobCompleted[] = [];
beforeAll(async () => {
  h = await startStageHarness('deployment', DEPLOYMENT_SCHEMA, () => DeploymentModule.forRoot({ secretKey }));
  await h.bus.subscribe({ topic: JOB_TOPICS.deployment.completed, groupId: randomId('completed'), fromBeginning: true, handle: async ({ value }) => void completed.push(value) });
});
afterAll(() => h?.close());

describe('deployment service on Kafka and PostgreSQL', () => {
  it('ends a contact nobody has work for with CleanUp', async () => {
    const c = h.contact(randomMac(), { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'CleanUp', respondedBy: 'deployment', interactionId: c.interactionId, mac: c.mac });
  });

  it('sends a queued deployment job before ending the interaction', async () => {
    const mac = randomMac();
    const file = [
      { name: 'file-https-base-url', value: 'https://files.example/ringtone.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ];
    await new JobQueue(h.dataSource, DEPLOYMENT_JOB_TABLE).enqueue(mac, 'FileDeployment', file);
    const c = h.contact(mac, { reason: 'solicited' });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'FileDeployment', respondedBy: 'deployment', items: file });
  });

  it('sends a FileDeployment again when the phone starts up instead of reporting it (the answer that carried it never reached the phone)', async () => {
    const mac = randomMac();
    const file = [
      { name: 'file-https-base-url', value: 'https://files.example/lost.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ];
    const { id } = await new JobQueue(h.dataSource, DEPLOYMENT_JOB_TABLE).enqueue(mac, 'FileDeployment', file);
    // The job goes out in a contact whose answer the phone never gets (the gateway answered it CleanUp first, as after a kill).
    const first = h.contact(mac, { reason: 'solicited' });
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'FileDeployment', items: file });
    // The phone tries again from its start, in a new interaction: it never heard of the job.
    const again = h.contact(mac, { reason: 'start-up' });
    await h.send(again);
    expect(await h.responseTo(again)).toMatchObject({ action: 'FileDeployment', items: file, note: `job ${id}` });
    const [row] = (await h.dataSource.query(`SELECT state, sent_in_interaction FROM ${DEPLOYMENT_JOB_TABLE} WHERE id = $1`, [id])) as { state: string; sent_in_interaction: string }[];
    expect(row).toEqual({ state: 'sent', sent_in_interaction: again.interactionId });
  });

  it('keeps a job\'s file-pwd sealed in its row, events and logs, and sends it in clear to the phone only', async () => {
    const mac = randomMac();
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const file = [
      { name: 'file-https-base-url', value: 'https://files.example/logo.png' },
      { name: 'file-name', value: 'logo.png' },
      { name: 'file-type', value: 'LOGO' },
      { name: 'file-pwd', value: password },
    ];
    const requestId = randomUUID();
    await h.bus.publish(DeploymentJobRequestedTopic, mac, { requestId, mac, action: 'FileDeployment', items: file, contactMe: false, requestedBy: 'int-test' });
    const row = await eventually(async () => {
      const rows: Array<{ items: Array<{ name: string; value: string }> }> = await h.dataSource.query(`SELECT items FROM ${DEPLOYMENT_JOB_TABLE} WHERE request_id = $1`, [requestId]);
      return rows[0];
    });
    expect(JSON.stringify(row)).not.toContain(password);
    const stored = row.items.find((i) => i.name === 'file-pwd')?.value;
    expect(SecretBox.isSealed(stored)).toBe(true);
    expect(SecretBox.fromBase64(secretKey).open(stored!)).toBe(password);
    expect(row.items.filter((i) => i.name !== 'file-pwd')).toEqual(file.filter((i) => i.name !== 'file-pwd'));

    const c = h.contact(mac, { reason: 'solicited' });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'FileDeployment', items: file });

    const status = h.contact(mac, {
      reason: 'status',
      items: [
        { name: 'file-deployment-name', value: 'logo.png', index: 1 },
        { name: 'file-deployment-type', value: 'LOGO', index: 1 },
        { name: 'file-deployment-status', value: 'ok', index: 1 },
      ],
    });
    await h.send(status);
    await h.responseTo(status);
    const done = await eventually(async () => completed.find((e) => e.requestId === requestId));
    expect(done).toMatchObject({ outcome: 'accepted', mac });
    expect(JSON.stringify(done)).not.toContain(password);
    const after: unknown[] = await h.dataSource.query(`SELECT * FROM ${DEPLOYMENT_JOB_TABLE} WHERE request_id = $1`, [requestId]);
    expect(after).toHaveLength(1);
    expect(JSON.stringify(after)).not.toContain(password);
    expect(h.logLines.join('\n')).not.toContain(password);
  });

  it('seals, at start-up, the file-pwd of jobs an older version stored in clear, and still sends it', async () => {
    const mac = randomMac();
    const password = `old-${randomBytes(12).toString('hex')}`;
    const file = [
      { name: 'file-https-base-url', value: 'https://files.example/old.png' },
      { name: 'file-pwd', value: password },
    ];
    const jobs = new JobQueue(h.dataSource, DEPLOYMENT_JOB_TABLE);
    const { id } = await jobs.enqueue(mac, 'FileDeployment', file);
    const rowOf = async () => JSON.stringify(await h.dataSource.query(`SELECT * FROM ${DEPLOYMENT_JOB_TABLE} WHERE id = $1`, [id]));
    expect(await rowOf()).toContain(password);

    // The module's start-up (an application context: no transport, so it consumes nothing). Not
    // closed: closing would destroy the data source the harness still uses.
    const app = await Test.createTestingModule({
      imports: [StageCoreModule.forRoot({ bus: h.bus, dataSource: h.dataSource, logger: capturing.logger }), DeploymentModule.forRoot({ secretKey })],
    }).compile();
    await app.init();
    expect(await rowOf()).not.toContain(password);
    expect(capturing.lines.join('\n')).toMatch(/sealed the secret items of jobs stored in clear/);

    const c = h.contact(mac, { reason: 'solicited' });
    await h.send(c);
    expect(await h.responseTo(c)).toMatchObject({ action: 'FileDeployment', items: file });
  });
});

