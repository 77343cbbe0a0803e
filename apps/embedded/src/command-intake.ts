import { createServer, type Server } from 'node:http';
import { ConfigurationJobRequestedTopic, ContactMeRequestedTopic, DeploymentJobRequestedTopic, type TopicContract } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';

/**
 * In the distributed deployment other systems send commands on Kafka. The embedded default has
 * no broker, so the same command events are accepted over HTTP instead —
 * `POST /commands/<topic>` with the event as JSON — validated against the same contracts and
 * published on the in-process bus. It listens on loopback unless configured otherwise.
 */
const COMMAND_TOPICS: ReadonlyMap<string, TopicContract<unknown>> = new Map(
  [ConfigurationJobRequestedTopic, DeploymentJobRequestedTopic, ContactMeRequestedTopic].map((t) => [t.name, t as TopicContract<unknown>]),
);
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startCommandIntake(bus: Bus, logger: Logger, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const match = /^\/commands\/([a-z0-9.-]+)$/.exec(req.url ?? '');
    const topic = match ? COMMAND_TOPICS.get(match[1]!) : undefined;
    if (!topic) {
      req.resume();
      return reply(404, { error: 'unknown command topic', topics: [...COMMAND_TOPICS.keys()] });
    }
    if (req.method !== 'POST') {
      req.resume();
      return reply(405, { error: 'only POST' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reply(413, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
      const parsed = topic.schema.safeParse(value);
      if (!parsed.success) return reply(400, { error: 'invalid command', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      const mac = (parsed.data as { mac: string }).mac;
      bus.publish(topic, mac, parsed.data).then(
        () => reply(202, { accepted: true, topic: topic.name }),
        (error: unknown) => {
          logger.error('could not publish a command', { topic: topic.name, mac, error: String(error) });
          reply(503, { error: 'could not publish' });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
