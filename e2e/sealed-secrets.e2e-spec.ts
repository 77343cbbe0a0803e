import { randomBytes, randomUUID } from 'node:crypto';
import {
  ConfigurationJobRejectedTopic,
  ConfigurationJobRequestedTopic,
  ContactReceivedTopic,
  DeadLetterTopic,
  isSealedValue,
  type JobRequested,
} from '@workpoint/contracts';
import { type ActionStep, type InteractionResult } from '@workpoint/phone-sim';
import { eventually, infraFromEnv, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { Kafka, logLevel } from 'kafkajs';
import { awaitJob, callBack, Cleanup, distributed, reachablePhone, type RunningMode } from './conformance-harness';

/**
 * Issue 10: secret item values cross Kafka sealed end to end. A SIP password set through the
 * operator API reaches the phone in clear in its XML, the phone reports it back (ReadItems), and
 * a command carrying another password is dead-lettered; a kafkajs consumer of its own then reads
 * every message those exchanges put on any Workpoint topic and finds neither password in clear.
 */

const WORKPOINT_TOPIC = /^(wpi|inventory|configuration|deployment|workpoint)\./;

interface Seen {
  topic: string;
  key: string;
  text: string;
}

/** The end offset of every partition of every Workpoint topic, now. */
async function endOffsets(kafka: Kafka): Promise<Map<string, Map<number, bigint>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => WORKPOINT_TOPIC.test(t));
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of topics) {
      ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message (value and headers, as text) written to a Workpoint topic between `from` and
 * `to`: each partition is read from its start offset until its last message before `to`.
 */
async function messagesBetween(kafka: Kafka, from: Map<string, Map<number, bigint>>, to: Map<string, Map<number, bigint>>): Promise<Seen[]> {
  const ranges: { topic: string; partition: number; start: bigint; end: bigint }[] = [];
  for (const [topic, partitions] of to) {
    for (const [partition, end] of partitions) {
      const start = from.get(topic)?.get(partition) ?? 0n;
      if (end > start) ranges.push({ topic, partition, start, end });
    }
  }
  const seen: Seen[] = [];
  const left = new Map(ranges.map((r) => [`${r.topic}/${r.partition}`, r]));
  const consumer = kafka.consumer({ groupId: `e2e-sealed-scan-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const range = left.get(`${topic}/${partition}`);
        const offset = BigInt(message.offset);
        if (!range || offset < range.start || offset >= range.end) return;
        const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('\n');
        seen.push({ topic, key: message.key?.toString('utf8') ?? '', text: `${message.value?.toString('utf8') ?? ''}\n${headers}` });
        if (offset === range.end - 1n) left.delete(`${topic}/${partition}`);
      },
    });
    for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: r.start.toString() });
    await eventually(async () => (left.size === 0 ? true : undefined), 60_000, 100);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const writesOf = (result: InteractionResult): ActionStep[] => (result.steps ?? []).filter((s) => s.action === 'WriteItems');
const itemsIn = (text: string): WpiItem[] => {
  const value = JSON.parse(text.split('\n')[0]!) as { items?: WpiItem[]; message?: { items?: WpiItem[] } };
  return value.items ?? value.message?.items ?? [];
};

describe('secret item values on Kafka, distributed mode', () => {
  let mode: RunningMode;
  let kafka: Kafka;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    mode = await distributed.start();
    kafka = new Kafka({ clientId: 'e2e-sealed-scan', brokers: infraFromEnv().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await cleanup.run();
    await mode?.stop();
  });

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${mode.stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${mode.stack.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : {} };
  }

  it('delivers a SIP password to the phone in clear while every topic carries it sealed; a dead-lettered command keeps it out of the letter', async () => {
    const password = `Sealed-${randomBytes(8).toString('hex')}`;
    const refused = `Refused-${randomBytes(8).toString('hex')}`;
    const before = await endOffsets(kafka);

    // 1. The operator sets sip-pwd through a profile; the phone gets it on its call-back, in clear, in its XML.
    const { phone, listener } = await reachablePhone({ mac: randomMac(), urls: mode.stack.urls }, cleanup);
    const profile = `sealed-${randomBytes(3).toString('hex')}`;
    expect((await api('POST', '/api/v1/profiles', { name: profile, layer: 'phone', items: [{ name: 'sip-pwd', value: password }, { name: 'sntp-addr', value: 'ntp.sealed.test' }] })).status).toBe(201);
    expect((await api('PUT', `/api/v1/assignments/${phone.mac}`, { profiles: [profile] })).status).toBe(200);
    const write = await callBack(listener);
    expect(write.ok).toBe(true);
    expect(writesOf(write).flatMap((w) => w.items)).toContainEqual({ name: 'sip-pwd', value: password });
    expect(phone.items.find((i) => i.name === 'sip-pwd')?.value).toBe(password);

    // 2. The phone reports it back (a ReadItems job): its answer crosses the pipeline sealed, and the job keeps it masked.
    const read: JobRequested = { requestId: randomUUID(), mac: phone.mac, action: 'ReadItems', items: [{ name: 'sip-pwd', value: null }], contactMe: true, requestedBy: 'e2e-sealed' };
    expect((await api('POST', `/api/v1/commands/${ConfigurationJobRequestedTopic.name}`, read)).status).toBe(202);
    const readBack = await callBack(listener, 1);
    expect(readBack.ok).toBe(true);
    const row = await awaitJob(mode.db, read, (r) => r.state === 'done');
    expect(row.item_results).toEqual([{ name: 'sip-pwd', value: '***' }]);

    // 3. Another system sends a command Workpoint refuses (a Restart takes no sip-pwd), carrying a password in clear.
    const bad = { requestId: randomUUID(), mac: phone.mac, action: 'Restart', items: [{ name: 'sip-pwd', value: refused }], contactMe: false, requestedBy: 'e2e-sealed' };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: ConfigurationJobRequestedTopic.name, messages: [{ key: phone.mac, value: JSON.stringify(bad) }] });
    await producer.disconnect();
    const letter = await eventually(async () => {
      const { rows } = await mode.db.query<{ value: string; value_sealed: boolean }>(
        'SELECT value, value_sealed FROM configuration.dead_letter WHERE key = $1 AND source_topic = $2',
        [phone.mac, ConfigurationJobRequestedTopic.name],
      );
      return rows[0];
    }, 20_000);
    expect(letter.value_sealed).toBe(true);
    expect(letter.value).not.toContain(refused);

    // Everything on every Workpoint topic since the test began, read by a consumer of its own.
    const seen = await eventually(async () => {
      const messages = await messagesBetween(kafka, before, await endOffsets(kafka));
      const mine = messages.filter((m) => m.key === phone.mac);
      // The dead letter and the rejection are published after the stored letter: wait until they are there too.
      const done = mine.some((m) => m.topic === DeadLetterTopic.name) && mine.some((m) => m.topic === ConfigurationJobRejectedTopic.name);
      return done ? messages : undefined;
    }, 30_000, 500);

    const withPassword = seen.filter((m) => m.text.includes(password));
    expect(withPassword.map((m) => m.topic)).toEqual([]);
    // The refused password is only where its sender put it: its own command.
    expect(seen.filter((m) => m.text.includes(refused)).map((m) => m.topic)).toEqual([ConfigurationJobRequestedTopic.name]);

    const mine = seen.filter((m) => m.key === phone.mac);
    const sealedIn = (topic: (t: string) => boolean) =>
      mine.filter((m) => topic(m.topic)).flatMap((m) => itemsIn(m.text)).filter((i) => i.name === 'sip-pwd' && isSealedValue(i.value));
    // The answer that wrote it, and the contact that reported it, each carried it sealed.
    expect(sealedIn((t) => t.startsWith('wpi.response.ready.v1.')).length).toBeGreaterThanOrEqual(1);
    expect(sealedIn((t) => t === ContactReceivedTopic.name).length).toBeGreaterThanOrEqual(1);
    const deadLetter = mine.find((m) => m.topic === DeadLetterTopic.name)!;
    expect(JSON.parse(deadLetter.text.split('\n')[0]!)).toMatchObject({ sourceTopic: ConfigurationJobRequestedTopic.name });
  });
});
