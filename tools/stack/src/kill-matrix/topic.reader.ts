import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Every message of the given topics, from the beginning up to the end they had when the read
 * began, parsed as JSON. A fresh consumer group each time, so nothing is skipped.
 */
export async function readTopics(brokers: string, topics: readonly string[], timeoutMs = 120_000): Promise<Map<string, unknown[]>> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'kill-matrix-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > Number(low)) ends.set(`${topic}/${partition}`, Number(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const values = new Map<string, unknown[]>(topics.map((t) => [t, []]));
  if (ends.size === 0) return values;

  const consumer = kafka.consumer({ groupId: `kill-matrix-reader-${randomBytes(6).toString('hex')}`, sessionTimeout: 10_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`topics not read to their end within ${timeoutMs} ms: ${[...ends.keys()].join(', ')}`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const key = `${topic}/${partition}`;
            const end = ends.get(key);
            if (end === undefined || Number(message.offset) >= end) return;
            if (message.value) values.get(topic)!.push(JSON.parse(message.value.toString('utf8')) as unknown);
            if (Number(message.offset) >= end - 1) ends.delete(key);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
