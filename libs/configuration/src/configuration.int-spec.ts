import { randomBytes, randomUUID } from 'node:crypto';
import { JobQueue } from '@workpoint/jobs';
import {
  ConfigurationJobCompletedTopic,
  ConfigurationJobRequestedTopic,
  ConfigurationPendingJobsTopic,
  type ContactMeRequested,
  ContactMeRequestedTopic,
  type DeadLetter,
  DeadLetterTopic,
  type JobCompleted,
  type PendingJobs,
} from '@workpoint/contracts';
import { type StageHarness, startStageHarness } from '@workpoint/stage-harness';
import { eventually, infraFromEnv, randomMac } from '@workpoint/testing';
import { Kafka, logLevel } from 'kafkajs';
import { ConfigurationModule } from './configuration.module';
import { CONFIGURATION_JOB_TABLE, CONFIGURATION_SCHEMA } from './configuration.schema';

let h: StageHarness;
beforeAll(async () => {
  h = await startStageHarness('configuration', CONFIGURATION_SCHEMA, () => ConfigurationModule.forRoot({ secretKey: randomBytes(32).toString('base64') }));
});
afterAll(() => h?.close());

const readAllAccepted = { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' }, items: [] };

describe('configuration service on Kafka and PostgreSQL', () => {
  it('passes a contact on when it has nothing queued for the phone', async () => {
    const c = h.contact(randomMac(), readAllAccepted);
    await h.send(c);
    expect(await h.passOf(c)).toMatchObject({ contactId: c.contactId, mac: c.mac });
  });

  it('answers with the queued job once, and with the same job again on a redelivery', async () => {
    const mac = randomMac();
    await new JobQueue(h.dataSource, CONFIGURATION_JOB_TABLE).enqueue(mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '60' }]);
    const first = h.contact(mac, readAllAccepted);
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'WriteItems', respondedBy: 'configuration', items: [{ name: 'sntp-tz-offset', value: '60' }] });

    h.responses.length = 0;
    await h.send(first);
    expect(await h.responseTo(first)).toMatchObject({ action: 'WriteItems' });

    const answered = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [] }, first.interactionId);
    await h.send(answered);
    expect(await h.passOf(answered)).toMatchObject({ contactId: answered.contactId });
  });
});

describe('configuration jobs and the phone\'s answers', () => {
  const jobs = () => new JobQueue(h.dataSource, CONFIGURATION_JOB_TABLE);
  const write = [{ name: 'sntp-tz-offset', value: '60' }, { name: 'device-type', value: 'x' }];

  it('records an accepted WriteItems with the items the phone flagged, then moves on', async () => {
    const mac = randomMac();
    const id = (await jobs().enqueue(mac, 'WriteItems', write)).id;
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'WriteItems' });
    const reply = h.contact(
      mac,
      { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [{ name: 'device-type', value: null, status: 'read only' }] },
      solicited.interactionId,
    );
    await h.send(reply);
    expect(await h.passOf(reply)).toMatchObject({ contactId: reply.contactId });
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted', itemResults: [{ name: 'device-type', value: null, status: 'read only' }] });
  });

  it('keeps a job queued when the phone is busy, asks it to call back, and runs the job on the call-back', async () => {
    const mac = randomMac();
    const id = (await jobs().enqueue(mac, 'WriteItems', write)).id;
    const first = h.contact(mac, { reason: 'solicited' });
    await h.send(first);
    await h.responseTo(first);
    const busy = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'busy' }, fragment: 'final' }, first.interactionId);
    await h.send(busy);
    expect(await h.responseTo(busy)).toMatchObject({ action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] });
    expect(await jobs().find(id)).toMatchObject({ state: 'queued', busyCount: 1 });

    // A redelivered busy reply gives the same answer and does not take the job again.
    h.responses.length = 0;
    await h.send(busy);
    expect(await h.responseTo(busy)).toMatchObject({ action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] });
    expect(await jobs().find(id)).toMatchObject({ state: 'queued', busyCount: 1 });

    const callBack = h.contact(mac, { reason: 'solicited' });
    await h.send(callBack);
    expect(await h.responseTo(callBack)).toMatchObject({ action: 'WriteItems', items: write });
    const accepted = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [] }, callBack.interactionId);
    await h.send(accepted);
    await h.passOf(accepted);
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted', busyCount: 1 });
  });

  it('records a failed action and runs the next job in the same interaction, in queue order', async () => {
    const mac = randomMac();
    const first = (await jobs().enqueue(mac, 'ReadItems', [{ name: 'reg-addr', value: null }])).id;
    const second = (await jobs().enqueue(mac, 'WriteItems', write)).id;
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'ReadItems' });
    const failed = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadItems', status: 'failed' } }, solicited.interactionId);
    await h.send(failed);
    expect(await h.responseTo(failed)).toMatchObject({ action: 'WriteItems' });
    expect(await jobs().find(first)).toMatchObject({ state: 'done', outcome: 'failed' });
    expect(await jobs().find(second)).toMatchObject({ state: 'sent' });
  });

  it('queues a job again when its interaction ended without an answer', async () => {
    const mac = randomMac();
    const id = (await jobs().enqueue(mac, 'WriteItems', write)).id;
    const lost = h.contact(mac, { reason: 'solicited' });
    await h.send(lost);
    await h.responseTo(lost);
    const later = h.contact(mac, { reason: 'solicited' });
    await h.send(later);
    expect(await h.responseTo(later)).toMatchObject({ action: 'WriteItems' });
    expect(await jobs().find(id)).toMatchObject({ state: 'sent', sentInInteraction: later.interactionId });
  });

  it('settles a Restart when the phone gets in touch again after rebooting', async () => {
    const mac = randomMac();
    const id = (await jobs().enqueue(mac, 'Restart')).id;
    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'Restart' });
    const afterReboot = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'ReadAllItems', status: 'accepted' } });
    await h.send(afterReboot);
    await h.passOf(afterReboot);
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted' });
  });

  it('changes a queued job within the caller\'s transaction: queued, replaced and dropped together with it, or not at all', async () => {
    const mac = randomMac();
    const rolledBack = new Error('rolled back on purpose');
    await expect(h.dataSource.transaction((tx) => jobs().enqueue(mac, 'WriteItems', write, randomUUID(), tx).then(() => Promise.reject(rolledBack)))).rejects.toBe(rolledBack);
    expect(await jobs().countQueued(mac)).toBe(0);

    const id = await h.dataSource.transaction(async (tx) => {
      const queued = (await jobs().enqueue(mac, 'WriteItems', write, randomUUID(), tx)).id;
      expect(await jobs().stateOf(queued, tx)).toBe('queued');
      expect(await jobs().replaceQueuedItems(queued, [{ name: 'sntp-tz-offset', value: '120' }], tx)).toBe(true);
      return queued;
    });
    expect(await jobs().find(id)).toMatchObject({ state: 'queued', items: [{ name: 'sntp-tz-offset', value: '120' }] });

    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'WriteItems', items: [{ name: 'sntp-tz-offset', value: '120' }] });
    expect(await jobs().stateOf(id)).toBe('sent');
    // Out with the phone: neither changed nor dropped any more.
    expect(await jobs().replaceQueuedItems(id, write)).toBe(false);
    expect(await jobs().dropQueued(id)).toBe(false);
    expect(await jobs().find(id)).toMatchObject({ state: 'sent', items: [{ name: 'sntp-tz-offset', value: '120' }] });

    const other = (await jobs().enqueue(mac, 'WriteItems', write)).id;
    expect(await jobs().dropQueued(other)).toBe(true);
    expect(await jobs().stateOf(other)).toBeUndefined();
  });
});

describe('configuration commands on Kafka', () => {
  const jobs = () => new JobQueue(h.dataSource, CONFIGURATION_JOB_TABLE);

  it('queues a commanded job once, publishes the pending count and a contact-me request, and reports the outcome', async () => {
    const mac = randomMac();
    const requestId = randomUUID();
    const seen = { pending: [] as PendingJobs[], contactMe: [] as ContactMeRequested[], completed: [] as JobCompleted[] };
    await h.bus.ensureTopics([ConfigurationPendingJobsTopic, ContactMeRequestedTopic, ConfigurationJobCompletedTopic]);
    const group = `test-${requestId}`;
    await h.bus.subscribe({ topic: ConfigurationPendingJobsTopic, groupId: `${group}-p`, fromBeginning: true, handle: async ({ value }) => void (value.mac === mac && seen.pending.push(value)) });
    await h.bus.subscribe({ topic: ContactMeRequestedTopic, groupId: `${group}-c`, fromBeginning: true, handle: async ({ value }) => void (value.mac === mac && seen.contactMe.push(value)) });
    await h.bus.subscribe({ topic: ConfigurationJobCompletedTopic, groupId: `${group}-d`, fromBeginning: true, handle: async ({ value }) => void (value.mac === mac && seen.completed.push(value)) });

    const command = { requestId, mac, action: 'WriteItems' as const, items: [{ name: 'sntp-tz-offset', value: '60' }], contactMe: true, requestedBy: 'crm' };
    await h.bus.publish(ConfigurationJobRequestedTopic, mac, command);
    await h.bus.publish(ConfigurationJobRequestedTopic, mac, command);
    await eventually(async () => (seen.contactMe.length === 2 ? true : undefined));
    const queued = await h.dataSource.query('SELECT id FROM configuration_job WHERE mac = $1', [mac]);
    expect(queued).toHaveLength(1);
    expect(seen.pending.map((p) => p.queued)).toEqual([1, 1]);

    const solicited = h.contact(mac, { reason: 'solicited' });
    await h.send(solicited);
    expect(await h.responseTo(solicited)).toMatchObject({ action: 'WriteItems' });
    const reply = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, items: [] }, solicited.interactionId);
    await h.send(reply);
    const [completed] = await eventually(async () => (seen.completed.length > 0 ? seen.completed : undefined));
    expect(completed).toMatchObject({ requestId, mac, action: 'WriteItems', outcome: 'accepted', itemResults: [] });
    expect(seen.pending.at(-1)?.queued).toBe(0);
  });

  it('refuses a SoftwareDeployment sent to its topic (deployment\'s action): dead-lettered at once, no job queued', async () => {
    const mac = randomMac();
    const letters: DeadLetter[] = [];
    await h.bus.subscribe({ topic: DeadLetterTopic, groupId: `test-dlq-${randomUUID()}`, fromBeginning: true, handle: async ({ value }) => void (value.key === mac && letters.push(value)) });
    const firmware = [
      { name: 'file-https-base-url', value: 'https://files.example/OS_60_SIP.img' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: 'V3 R5.15.0' },
      { name: 'file-priority', value: 'immediate' },
    ];
    const command = { requestId: randomUUID(), mac, action: 'SoftwareDeployment', items: firmware, contactMe: false, requestedBy: 'int-test' };
    // Past the bus's own schema check, as a foreign producer would send it.
    const producer = new Kafka({ clientId: 'configuration-int-raw', brokers: infraFromEnv().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: ConfigurationJobRequestedTopic.name, messages: [{ key: mac, value: JSON.stringify(command) }] });
    } finally {
      await producer.disconnect();
    }
    const [letter] = await eventually(async () => (letters.length > 0 ? letters : undefined));
    expect(letter).toMatchObject({ sourceTopic: ConfigurationJobRequestedTopic.name, key: mac, attempts: 0 });
    expect(letter!.error).toMatch(/action/);
    expect(await h.dataSource.query('SELECT id FROM configuration_job WHERE mac = $1', [mac])).toEqual([]);
  });

  it('sends a 100-item write to a phone with maxItems=30 in 4 messages, never splitting a function key', async () => {
    const mac = randomMac();
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009].flatMap((k) => [
      { name: 'function-key-def', index: k, value: '1' },
      { name: 'key-label', index: k, value: `Key ${k}` },
      { name: 'select-dial', index: k, value: `${k}` },
      { name: 'blf-popup', index: k, value: 'false' },
    ]);
    const singles = Array.from({ length: 28 }, (_, i) => ({ name: `setting-${i}`, value: String(i) }));
    const items = [...keys, ...singles];
    expect(items).toHaveLength(100);
    const id = (await jobs().enqueue(mac, 'WriteItems', items)).id;
    const solicited = h.contact(mac, { reason: 'solicited', maxItems: 30 });
    await h.send(solicited);
    const messages = [(await h.responseTo(solicited)).items];
    for (;;) {
      const reply = h.contact(mac, { reason: 'reply-to', replyTo: { action: 'WriteItems', status: 'accepted' }, maxItems: 30, items: [] }, solicited.interactionId);
      await h.send(reply);
      const next = await eventually(async () => h.responses.find((r) => r.contactId === reply.contactId) ?? h.passed.find((p) => p.contactId === reply.contactId));
      if (!('action' in next) || next.action !== 'WriteItems') break;
      messages.push(next.items);
    }
    expect(messages).toHaveLength(4);
    expect(messages.every((m) => m.length <= 30)).toBe(true);
    expect(messages.flat()).toEqual(items);
    for (const k of [1, 9, 1001, 1009]) {
      const holding = messages.filter((m) => m.some((i) => i.index === k));
      expect(holding).toHaveLength(1);
    }
    expect(await jobs().find(id)).toMatchObject({ state: 'done', outcome: 'accepted', itemsDone: 100 });
  });
});
