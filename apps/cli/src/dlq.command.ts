import { setTimeout as sleep } from 'node:timers/promises';
import { embeddedPostgresLayout, runningEmbeddedPostgresUrl } from '@workpoint/database';
import { DeadLetterEntity, type DeadLetterRow } from '@workpoint/messaging';
import { DataSource, type Repository } from 'typeorm';
import { DLQ_SERVICES, type DlqCommand, type DlqDatabase, type DlqService } from './cli-args.parser';
import { ExitCode } from './exit-code';
import type { CliIo } from './import.command';

/** How long `dlq replay` waits for the owning service's relay (it looks every second). */
const REPLAY_WAIT_MS = 30_000;
const LIST_LIMIT = 500;

/** Where the letters are: each service's own `dead_letter` table, through TypeORM, one schema at a time. */
export interface DeadLetterTables {
  /** The service's letters, or undefined when its schema has no table yet (the service never started). */
  of(service: DlqService): Promise<Repository<DeadLetterRow> | undefined>;
  close(): Promise<void>;
}

/**
 * Why the CLI reads PostgreSQL rather than the operator API: the letters live in each service's
 * own schema, and the operator API is the configuration service's, which must not read the
 * other services' tables. The CLI never opens a sealed original: it only asks for a replay,
 * which the owning service (the one with the key) carries out.
 */
export function postgresDeadLetterTables(databaseUrl: string): DeadLetterTables {
  const sources = new Map<DlqService, DataSource>();
  return {
    async of(service) {
      let source = sources.get(service);
      if (!source) {
        source = new DataSource({ type: 'postgres', url: databaseUrl, schema: service, entities: [DeadLetterEntity], extra: { max: 1, connectionTimeoutMillis: 10_000 } });
        sources.set(service, source);
        await source.initialize();
      }
      const runner = source.createQueryRunner();
      try {
        return (await runner.hasTable(`${service}.dead_letter`)) ? source.getRepository<DeadLetterRow>(DeadLetterEntity) : undefined;
      } finally {
        await runner.release();
      }
    },
    async close() {
      await Promise.allSettled([...sources.values()].filter((s) => s.isInitialized).map((s) => s.destroy()));
    },
  };
}

/**
 * DATABASE_URL as given, or the URL of the embedded PostgreSQL that the embedded default runs on
 * its data directory (`--data-dir`): it must be running, since its port changes at each start
 * and a second server may not open the cluster under the running app.
 */
export async function databaseUrlOf(database: DlqDatabase): Promise<string> {
  return 'databaseUrl' in database ? database.databaseUrl : runningEmbeddedPostgresUrl(embeddedPostgresLayout(database.dataDir));
}

export async function runDlq(command: DlqCommand, io: CliIo, given?: DeadLetterTables): Promise<ExitCode> {
  let tables: DeadLetterTables;
  try {
    tables = given ?? postgresDeadLetterTables(await databaseUrlOf(command));
  } catch (error) {
    io.stderr(`workpoint: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
  try {
    switch (command.kind) {
      case 'dlq-list':
        return await list(command, io, tables);
      case 'dlq-show':
        return await show(command, io, tables);
      case 'dlq-replay':
        return await replay(command, io, tables);
    }
  } catch (error) {
    io.stderr(`workpoint: database error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  } finally {
    await tables.close();
  }
}

async function list(command: Extract<DlqCommand, { kind: 'dlq-list' }>, io: CliIo, tables: DeadLetterTables): Promise<ExitCode> {
  const found: Array<{ service: DlqService; letter: DeadLetterRow }> = [];
  for (const service of command.service ? [command.service] : DLQ_SERVICES) {
    const letters = await tables.of(service);
    if (!letters) continue;
    const rows = await letters.find({ where: command.topic ? { sourceTopic: command.topic } : {}, order: { failedAt: 'DESC' }, take: LIST_LIMIT });
    found.push(...rows.map((letter) => ({ service, letter })));
  }
  found.sort((a, b) => b.letter.failedAt.getTime() - a.letter.failedAt.getTime());
  if (command.json) {
    for (const { service, letter } of found) io.stdout(`${JSON.stringify(summary(service, letter))}\n`);
    return ExitCode.ok;
  }
  if (found.length === 0) {
    io.stdout('no dead letters\n');
    return ExitCode.ok;
  }
  io.stdout(`${['ID', 'SERVICE', 'FAILED AT', 'TOPIC', 'KEY', 'CODE', 'ATTEMPTS', 'STATE'].join('\t')}\n`);
  for (const { service, letter } of found) {
    io.stdout(`${[letter.id, service, letter.failedAt.toISOString(), letter.sourceTopic, letter.key ?? '-', letter.errorCode, letter.attempts, stateOf(letter)].join('\t')}\n`);
  }
  return ExitCode.ok;
}

async function show(command: Extract<DlqCommand, { kind: 'dlq-show' }>, io: CliIo, tables: DeadLetterTables): Promise<ExitCode> {
  const hit = await find(command.id, tables);
  if (!hit) return notFound(command.id, io);
  const { service, letter } = hit;
  const detail = {
    ...summary(service, letter),
    groupId: letter.groupId,
    error: letter.error,
    headers: letter.headers,
    // A sealed original stays sealed: only its service has the key.
    value: letter.valueSealed ? null : letter.value,
    valueSealed: letter.valueSealed,
  };
  if (command.json) {
    io.stdout(`${JSON.stringify(detail)}\n`);
    return ExitCode.ok;
  }
  for (const [name, value] of Object.entries(detail)) {
    if (name === 'value' && letter.valueSealed) io.stdout(`value: (sealed with the ${service} service's CONFIG_SECRET_KEY; replayed as it was)\n`);
    else io.stdout(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  }
  return ExitCode.ok;
}

async function replay(command: Extract<DlqCommand, { kind: 'dlq-replay' }>, io: CliIo, tables: DeadLetterTables): Promise<ExitCode> {
  const hit = await find(command.id, tables);
  if (!hit) return notFound(command.id, io);
  const { service, letter, letters } = hit;
  if (letter.errorCode === 'invalid-message') {
    io.stderr(`workpoint: dead letter ${letter.id} breaks the schema of ${letter.sourceTopic}; replaying it would fail the same way. Have its sender send it again, corrected.\n`);
    return ExitCode.rejected;
  }
  await letters.update({ id: letter.id }, { replayRequestedAt: new Date(), replayedAt: null });
  if (!command.wait) {
    io.stdout(`replay of ${letter.id} requested: the ${service} service re-publishes it to ${letter.sourceTopic}\n`);
    return ExitCode.ok;
  }
  const deadline = Date.now() + REPLAY_WAIT_MS;
  while (Date.now() < deadline) {
    const now = await letters.findOneBy({ id: letter.id });
    if (now?.replayedAt) {
      io.stdout(`${letter.id} replayed to ${letter.sourceTopic} at ${now.replayedAt.toISOString()}\n`);
      return ExitCode.ok;
    }
    if (now && now.replayRequestedAt === null) {
      io.stderr(`workpoint: the ${service} service could not replay ${letter.id}; see its log\n`);
      return ExitCode.rejected;
    }
    await sleep(250);
  }
  io.stderr(`workpoint: replay of ${letter.id} requested, but the ${service} service has not done it within ${REPLAY_WAIT_MS / 1000} s: is it running?\n`);
  return ExitCode.failure;
}

async function find(id: string, tables: DeadLetterTables): Promise<{ service: DlqService; letter: DeadLetterRow; letters: Repository<DeadLetterRow> } | undefined> {
  for (const service of DLQ_SERVICES) {
    const letters = await tables.of(service);
    const letter = await letters?.findOneBy({ id });
    if (letters && letter) return { service, letter, letters };
  }
  return undefined;
}

function notFound(id: string, io: CliIo): ExitCode {
  io.stderr(`workpoint: no dead letter ${id}\n`);
  return ExitCode.rejected;
}

function summary(service: DlqService, letter: DeadLetterRow) {
  return {
    id: letter.id,
    service,
    failedAt: letter.failedAt.toISOString(),
    topic: letter.sourceTopic,
    key: letter.key,
    code: letter.errorCode,
    attempts: letter.attempts,
    state: stateOf(letter),
  };
}

function stateOf(letter: DeadLetterRow): 'dead' | 'replay-requested' | 'replayed' {
  if (letter.replayedAt) return 'replayed';
  return letter.replayRequestedAt ? 'replay-requested' : 'dead';
}
