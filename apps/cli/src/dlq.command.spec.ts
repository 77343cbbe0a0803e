import type { DeadLetterRow } from '@workpoint/messaging';
import type { Repository } from 'typeorm';
import { parseCliArgs } from './cli-args.parser';
import { type DeadLetterTables, runDlq } from './dlq.command';
import { ExitCode } from './exit-code';

const env = { databaseUrl: 'postgres://u:p@127.0.0.1:5432/workpoint' };
const ID = '0f6c1e2a-3b4d-5e6f-8a9b-0c1d2e3f4a5b';

function letter(overrides: Partial<DeadLetterRow> = {}): DeadLetterRow {
  return {
    id: ID,
    sourceTopic: 'configuration.job.requested.v1',
    groupId: 'workpoint-configuration.configuration.job.requested.v1',
    key: '00:1A:E8:00:00:01',
    headers: {},
    value: 'enc:v1:a.b.c',
    valueSealed: true,
    errorCode: 'permanent-failure',
    error: 'invalid input syntax',
    attempts: 1,
    failedAt: new Date('2026-12-04T10:00:00Z'),
    replayRequestedAt: null,
    replayedAt: null,
    ...overrides,
  };
}

/** Letters of the configuration service only; the others have no table yet. */
function tables(rows: DeadLetterRow[], replayedBy?: (row: DeadLetterRow) => void): DeadLetterTables {
  const repository = {
    find: async () => rows,
    findOneBy: async ({ id }: { id: string }) => rows.find((r) => r.id === id) ?? null,
    update: async ({ id }: { id: string }, change: Partial<DeadLetterRow>) => {
      const row = rows.find((r) => r.id === id)!;
      Object.assign(row, change);
      replayedBy?.(row);
    },
  } as unknown as Repository<DeadLetterRow>;
  return { of: async (service) => (service === 'configuration' ? repository : undefined), close: async () => undefined };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), stderrIsTty: false } };
}

describe('parseCliArgs dlq', () => {
  it('reads list with filters, show and replay', () => {
    expect(parseCliArgs(['dlq', 'list', '--service', 'deployment', '--topic', 't.v1', '--json'], env)).toEqual({ kind: 'dlq-list', databaseUrl: env.databaseUrl, service: 'deployment', topic: 't.v1', json: true });
    expect(parseCliArgs(['dlq', 'show', ID.toUpperCase()], env)).toEqual({ kind: 'dlq-show', databaseUrl: env.databaseUrl, id: ID, json: false });
    expect(parseCliArgs(['dlq', 'replay', ID, '--no-wait'], env)).toEqual({ kind: 'dlq-replay', databaseUrl: env.databaseUrl, id: ID, wait: false });
  });

  it.each([
    [['dlq'], 'dlq needs list, show or replay'],
    [['dlq', 'purge'], "unknown dlq command 'purge'"],
    [['dlq', 'show'], 'dlq show needs one dead-letter id'],
    [['dlq', 'show', 'nope'], 'not a dead-letter id: nope'],
    [['dlq', 'list', '--service', 'gateway'], '--service must be one of inventory, configuration, deployment'],
    [['dlq', 'replay', ID, '--json'], 'dlq replay takes no --json'],
    [['import', 'phones.csv', '--no-wait', '--key', 'k'], 'import takes no --no-wait'],
  ])('refuses %j', (argv, message) => {
    expect(parseCliArgs(argv, env)).toEqual({ kind: 'usage-error', message });
  });

  it('needs DATABASE_URL or --data-dir', () => {
    expect(parseCliArgs(['dlq', 'list'], {})).toEqual({
      kind: 'usage-error',
      message: "no database: set DATABASE_URL (the one the services use), or pass --data-dir (the embedded default's data directory)",
    });
  });

  it('reads the embedded default\'s data directory, which wins over DATABASE_URL', () => {
    expect(parseCliArgs(['dlq', 'list', '--data-dir', './data'], {})).toEqual({ kind: 'dlq-list', dataDir: './data', json: false });
    expect(parseCliArgs(['dlq', 'replay', ID, '--data-dir=/srv/wp'], env)).toEqual({ kind: 'dlq-replay', dataDir: '/srv/wp', id: ID, wait: true });
    expect(parseCliArgs(['import', 'phones.csv', '--data-dir', 'd', '--key', 'k'], env)).toEqual({ kind: 'usage-error', message: 'import takes no --data-dir' });
  });
});

describe('runDlq', () => {
  it('says the embedded database must be running when its data directory has none running', async () => {
    const { err, io: cli } = io();
    expect(await runDlq({ kind: 'dlq-list', dataDir: '/nonexistent/workpoint-data', json: false }, cli)).toBe(ExitCode.failure);
    expect(err.join('')).toBe(
      'workpoint: the embedded PostgreSQL in /nonexistent/workpoint-data/postgres is not running (no cluster there); start Workpoint on that data directory (npm start) and try again\n',
    );
  });

  it('lists the letters with their service and state', async () => {
    const { out, io: cli } = io();
    expect(await runDlq({ kind: 'dlq-list', databaseUrl: '', json: true }, cli, tables([letter()]))).toBe(ExitCode.ok);
    expect(JSON.parse(out.join(''))).toMatchObject({ id: ID, service: 'configuration', code: 'permanent-failure', state: 'dead' });
  });

  it('shows a sealed original as sealed, never its text', async () => {
    const { out, io: cli } = io();
    expect(await runDlq({ kind: 'dlq-show', databaseUrl: '', id: ID, json: true }, cli, tables([letter()]))).toBe(ExitCode.ok);
    expect(JSON.parse(out.join(''))).toMatchObject({ value: null, valueSealed: true });
  });

  it('asks for a replay and waits until the service has done it', async () => {
    const { out, io: cli } = io();
    const rows = [letter()];
    const relay = (row: DeadLetterRow) => {
      if (row.replayRequestedAt && !row.replayedAt) row.replayedAt = new Date();
    };
    expect(await runDlq({ kind: 'dlq-replay', databaseUrl: '', id: ID, wait: true }, cli, tables(rows, relay))).toBe(ExitCode.ok);
    expect(out.join('')).toContain(`${ID} replayed to configuration.job.requested.v1`);
  });

  it('refuses to replay a letter that broke its schema, and says so', async () => {
    const { err, io: cli } = io();
    const rows = [letter({ errorCode: 'invalid-message' })];
    expect(await runDlq({ kind: 'dlq-replay', databaseUrl: '', id: ID, wait: true }, cli, tables(rows))).toBe(ExitCode.rejected);
    expect(err.join('')).toContain('replaying it would fail the same way');
    expect(rows[0]!.replayRequestedAt).toBeNull();
  });

  it('exits 1 for an unknown id', async () => {
    const { err, io: cli } = io();
    expect(await runDlq({ kind: 'dlq-show', databaseUrl: '', id: ID, json: false }, cli, tables([]))).toBe(ExitCode.rejected);
    expect(err.join('')).toBe(`workpoint: no dead letter ${ID}\n`);
  });
});
