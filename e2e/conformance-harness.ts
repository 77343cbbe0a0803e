import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationJobRequestedTopic,
  DeploymentJobRequestedTopic,
  type JobRequested,
  type TopicContract,
} from '@workpoint/contracts';
import { maskSecretItems } from '@workpoint/logging';
import { KafkaBus } from '@workpoint/messaging';
import { type ContactMeListener, type InteractionResult, type PhoneOptions, SimulatedPhone } from '@workpoint/phone-sim';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { Pool } from 'pg';

/**
 * The conformance suite's plumbing: the two ways Workpoint runs, one way to queue a job in
 * either, and the phones, listeners and servers a test starts, closed again after each test.
 */

/** Contact-me fast enough for tests: one attempt, a short deadline, a 1 s gap per phone. */
export const FAST_CONTACT_ME: Record<string, string> = {
  CONTACT_ME_GAP_SECONDS: '1',
  CONTACT_ME_RATE_PER_SECOND: '100',
  CONTACT_ME_TIMEOUT_MS: '2000',
  CONTACT_ME_ATTEMPTS: '1',
};

/** A stack under test, with its database and the channel other systems send commands on. */
export interface RunningMode {
  name: 'distributed' | 'embedded';
  stack: RunningStack;
  db: Pool;
  /** Publishes a command on the mode's command channel (Kafka, or the embedded mode's operator API). */
  publish(topic: TopicContract<JobRequested>, command: JobRequested): Promise<void>;
  stop(): Promise<void>;
}

export interface Mode {
  name: RunningMode['name'];
  start(): Promise<RunningMode>;
}

export const distributed: Mode = {
  name: 'distributed',
  async start() {
    const infra = infraFromEnv();
    const stack = await startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 2, env: FAST_CONTACT_ME });
    const { logger } = capturingLogger('e2e-conformance');
    const bus = new KafkaBus(
      { brokers: infra.kafkaBrokers.split(','), clientId: randomId('e2e-conformance'), partitions: 12, replicationFactor: 1, partitionsConsumedConcurrently: 1 },
      logger,
    );
    const db = new Pool({ connectionString: infra.databaseUrl, max: 4 });
    return {
      name: 'distributed',
      stack,
      db,
      publish: (topic, command) => bus.publish(topic, command.mac, command),
      async stop() {
        await db.end();
        await bus.close();
        await stack.stop();
      },
    };
  },
};

export const embedded: Mode = {
  name: 'embedded',
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-conformance-'));
    const stack = await startEmbedded({ dataDir, env: FAST_CONTACT_ME });
    const db = new Pool({ connectionString: stack.databaseUrl!, max: 4 });
    return {
      name: 'embedded',
      stack,
      db,
      // Embedded mode has no broker: commands go through the operator API, which publishes them on the in-process bus.
      async publish(topic, command) {
        const { status, body } = await postJson(`${stack.apiUrl}/api/v1/commands/${topic.name}`, command, stack.apiKey);
        if (status !== 202) throw new Error(`the operator API answered a command with ${status}: ${body}`);
      },
      async stop() {
        await db.end();
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export type JobAction = JobRequested['action'];
export type JobStage = 'configuration' | 'deployment';

/** Which service runs an action, as the command topics split them. */
export function stageOf(action: JobAction): JobStage {
  return action === 'FileDeployment' || action === 'SoftwareDeployment' ? 'deployment' : 'configuration';
}

/** A `JobRequested` command with a fresh request id. */
export function jobCommand(mac: string, action: JobAction, items: WpiItem[] = [], contactMe = true): JobRequested {
  return { requestId: randomUUID(), mac, action, items, contactMe, requestedBy: 'e2e-conformance' };
}

/** Queues a job the way other systems do: on the command topic of the service that runs it. */
export async function queueJob(mode: RunningMode, command: JobRequested): Promise<JobRequested> {
  await mode.publish(stageOf(command.action) === 'deployment' ? DeploymentJobRequestedTopic : ConfigurationJobRequestedTopic, command);
  return command;
}

/** One row of `configuration.configuration_job` or `deployment.deployment_job`. */
export interface JobRow {
  mac: string;
  action: string;
  items: WpiItem[];
  state: 'queued' | 'sent' | 'done';
  outcome: 'accepted' | 'failed' | null;
  item_results: WpiItem[] | null;
  busy_count: number;
}

const JOB_TABLES: Record<JobStage, string> = {
  configuration: 'configuration.configuration_job',
  deployment: 'deployment.deployment_job',
};

export async function jobRow(db: Pool, command: JobRequested): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>(
    `SELECT mac, action, items, state, outcome, item_results, busy_count FROM ${JOB_TABLES[stageOf(command.action)]} WHERE request_id = $1`,
    [command.requestId],
  );
  return rows[0];
}

/** Polls the job's row until `until` holds; fails with the last row seen. */
export async function awaitJob(db: Pool, command: JobRequested, until: (row: JobRow) => boolean, timeoutMs = 20_000): Promise<JobRow> {
  let last: JobRow | undefined;
  try {
    return await eventually(async () => {
      last = await jobRow(db, command);
      return last && until(last) ? last : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`job ${command.action} ${command.requestId}: ${String(error)}; last row: ${JSON.stringify(last)}`);
  }
}

/** Every job row of a phone in both services (for "nothing recorded" checks). */
export async function jobsOf(db: Pool, mac: string): Promise<Array<JobRow & { stage: JobStage }>> {
  const { rows } = await db.query<JobRow & { stage: JobStage }>(
    `SELECT 'configuration' AS stage, mac, action, items, state, outcome, item_results, busy_count FROM configuration.configuration_job WHERE mac = $1
     UNION ALL
     SELECT 'deployment' AS stage, mac, action, items, state, outcome, item_results, busy_count FROM deployment.deployment_job WHERE mac = $1`,
    [mac],
  );
  return rows;
}

export interface ReportRow {
  kind: 'full' | 'local-change' | 'inventory-change';
  interaction_id: string;
  items: WpiItem[];
}

export async function reportsOf(db: Pool, mac: string): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>('SELECT kind, interaction_id, items FROM inventory.phone_report WHERE mac = $1 ORDER BY id', [mac]);
  return rows;
}

export interface ContactMeAttemptRow {
  target: string;
  attempt: number;
  outcome: string;
  http_status: number | null;
  final: boolean;
}

/** Waits for the phone's first recorded contact-me attempt. */
export function awaitContactMeAttempt(db: Pool, mac: string): Promise<ContactMeAttemptRow> {
  return eventually(async () => {
    const { rows } = await db.query<ContactMeAttemptRow>(
      'SELECT target, attempt, outcome, http_status, final FROM inventory.contact_me_attempt WHERE mac = $1 ORDER BY id',
      [mac],
    );
    return rows[0];
  }, 20_000);
}

/** What inventory keeps of a reported item set: secret values masked. */
export function asStored(items: readonly WpiItem[]): WpiItem[] {
  return maskSecretItems(items);
}

/** Things a test started, closed after it whatever its outcome. */
export class Cleanup {
  private readonly closers: Array<() => Promise<void> | void> = [];

  add(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }

  async run(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}

/**
 * A phone that has started up, with its contact-me listener on a free port reported as its
 * `contact-me-uri`, so the service can really ask it to call back.
 */
export async function reachablePhone(
  options: PhoneOptions,
  cleanup: Cleanup,
): Promise<{ phone: SimulatedPhone; listener: ContactMeListener; startUp: InteractionResult }> {
  const phone = new SimulatedPhone(options);
  const listener = await phone.listenForContactMe({ port: 0 });
  cleanup.add(() => listener.close());
  const startUp = await phone.startUp();
  if (!startUp.ok) throw new Error(`start-up failed: ${startUp.error}`);
  return { phone, listener, startUp };
}

/** The solicited interaction that followed the listener's `n`-th contact-me (0-based). */
export async function callBack(listener: ContactMeListener, n = 0): Promise<InteractionResult> {
  const running = await eventually(async () => listener.requests[n]?.callBack, 20_000, 50);
  return running;
}

/** Status of one plain-HTTP GET (DCMP polls). */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

export function dcmpPoll(base: string, mac: string): Promise<number> {
  return httpStatus(`${base}/dcmp/contact-me?device-id=${mac}`);
}

/** Until every gateway answers the phone's DCMP poll with `expected`. */
export function allGatewaysAnswer(stack: RunningStack, mac: string, expected: number): Promise<true> {
  return eventually(async () => ((await Promise.all(stack.dcmpUrls.map((u) => dcmpPoll(u, mac)))).every((s) => s === expected) ? true : undefined), 20_000, 100);
}

/** What a stand-in for a phone's contact-me port saw. */
export interface SeenRequest {
  method: string;
  path: string;
  body: string;
}

/**
 * A plain-HTTP server at a contact-me URI that is not a phone: it answers `status` (after
 * `delayMs`, or never when `delayMs` is Infinity). Closed by `cleanup`.
 */
export async function notAPhone(cleanup: Cleanup, behaviour: { status: number; delayMs?: number }): Promise<{ url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      const answer = () => res.writeHead(behaviour.status, { 'Content-Length': '0', Connection: 'close' }).end();
      const delay = behaviour.delayMs ?? 0;
      if (delay === Infinity) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delay);
      timers.add(timer);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/contact_dls.html/ContactDLS`, seen };
}

function postJson(url: string, value: unknown, apiKey: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(value);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), Authorization: `Bearer ${apiKey}` };
    const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** The interaction id inside a `JSESSIONID=<mac>.<interaction>.<issued>.<mac>` Set-Cookie value. */
export function interactionOfCookie(setCookie: string | string[] | undefined): string | undefined {
  const values = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const value of values) {
    const match = /^JSESSIONID=([0-9A-F]{12})\.([0-9a-f-]{36})\./.exec(value);
    if (match) return match[2];
  }
  return undefined;
}
