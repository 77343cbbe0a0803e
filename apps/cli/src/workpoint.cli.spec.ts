import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliEnv } from './cli-args.parser';
import { MAX_UPLOAD_BYTES } from './import.command';
import type { ImportResult } from './import-stream.schema';
import { runCli } from './workpoint.cli';
import { ExitCode } from './exit-code';
import { parseApiKey } from '@workpoint/http-api';

// A fake of our own operator API's import endpoint, speaking its contract over real HTTP, so
// the CLI's fetch, streaming and exit codes are exercised end to end.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const KEY = 'test-key';
const CSV = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('mac,site\r\n001122aabbcc,Zürich\r\n001122aabbcd,Genève\r\n', 'utf8')]);

let server: Server;
let baseUrl: string;
let dir: string;
let csvFile: string;
let received: Received[];
let respond: (request: Received, response: ServerResponse) => Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const result = (overrides: Partial<ImportResult> = {}): ImportResult => ({
  type: 'result',
  dryRun: true,
  lines: 2,
  valid: 2,
  created: 2,
  updated: 0,
  unchanged: 0,
  errors: [],
  ...overrides,
});

/** The endpoint as specified: key check, then progress lines (one cut in two writes), then the result. */
function importEndpoint(final: (request: Received) => ImportResult) {
  return async (request: Received, response: ServerResponse): Promise<void> => {
    if (request.headers.authorization !== `Bearer ${KEY}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'unknown API key' }, requestId: 'req-401' }));
      return;
    }
    const dryRun = new URL(request.url, 'http://x').searchParams.get('dryRun') === 'true';
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.write('{"type":"progress","phase":"validate","done":0,"total":2}\n{"type":"progress","pha');
    await sleep(20);
    response.write('se":"validate","done":2,"total":2}\n{"type":"notice","text":"from a newer server"}\n');
    if (!dryRun) {
      response.write('{"type":"progress","phase":"apply","done":2,"total":2}\n');
    }
    response.end(`${JSON.stringify(final(request))}\n`);
  };
}

async function run(argv: string[], options: { env?: CliEnv; tty?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, options.env ?? {}, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stderrIsTty: options.tty ?? false,
  });
  return { code, stdout, stderr };
}

const importArgs = (...extra: string[]) => ['import', csvFile, '--url', baseUrl, '--key', KEY, ...extra];

beforeAll(async () => {
  server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const got = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(body) };
      received.push(got);
      respond(got, response).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'workpoint-cli-'));
  csvFile = join(dir, 'phones.csv');
  await writeFile(csvFile, CSV);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  respond = importEndpoint((request) => result({ dryRun: request.url.includes('dryRun=true') }));
});

describe('workpoint import', () => {
  it('sends the file bytes as they are, shows progress and reports a dry run', async () => {
    const { code, stdout, stderr } = await run(importArgs('--dry-run'));
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/imports?dryRun=true');
    expect(request.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'content-type': 'text/csv', accept: 'application/x-ndjson' });
    expect(request.body.equals(CSV)).toBe(true);
    expect(stderr).toBe('validating 0/2 lines (0%)\nvalidating 2/2 lines (100%)\n');
    expect(stdout).toBe('Dry run: 2 lines, all valid. Would create 2, update 0, leave 0 unchanged.\nNothing was applied.\n');
    expect(code).toBe(0);
  });

  it('applies with URL and key from the environment', async () => {
    respond = importEndpoint(() => result({ dryRun: false, created: 1, updated: 1 }));
    const { code, stdout } = await run(['import', csvFile], { env: { apiUrl: baseUrl, apiKey: KEY } });
    expect(received[0].url).toBe('/api/v1/imports?dryRun=false');
    expect(stdout).toBe('Imported 2 lines: 1 created, 1 updated, 0 unchanged.\n');
    expect(code).toBe(0);
  });

  it('keeps a path prefix of the API URL', async () => {
    await run(['import', csvFile, '--url', `${baseUrl}/workpoint/`, '--key', KEY]);
    expect(received[0].url).toBe('/workpoint/api/v1/imports?dryRun=false');
  });

  it('exits 1 and lists the errors when the server refuses lines', async () => {
    respond = importEndpoint(() => result({ dryRun: false, valid: 1, created: 0, errors: [{ line: 3, column: 'mac', message: 'not a MAC address: "xx"' }] }));
    const { code, stdout } = await run(importArgs());
    expect(stdout).toContain('\nline 3, mac: not a MAC address: "xx"\n');
    expect(stdout).toContain('Nothing was applied');
    expect(code).toBe(1);
  });

  it('exits 1 on a fatal problem', async () => {
    respond = importEndpoint(() => result({ lines: 0, valid: 0, created: 0, fatal: { code: 'encoding', message: 'the file must be UTF-8' } }));
    const { code, stdout } = await run(importArgs('--dry-run'));
    expect(stdout).toContain('Import refused (encoding): the file must be UTF-8');
    expect(code).toBe(1);
  });

  it('prints the result object with --json', async () => {
    const { code, stdout } = await run(importArgs('--dry-run', '--json'));
    expect(JSON.parse(stdout)).toEqual(result());
    expect(code).toBe(0);
  });

  it('rewrites one progress line on a terminal', async () => {
    const { stderr } = await run(importArgs(), { tty: true });
    expect(stderr).toBe('\r\x1b[2Kvalidating 0/2 lines (0%)\r\x1b[2Kvalidating 2/2 lines (100%)\r\x1b[2Kapplying 2/2 lines (100%)\r\x1b[2K');
  });

  it('warns when the server did not do the dry run asked for', async () => {
    respond = importEndpoint(() => result({ dryRun: false }));
    const { stderr } = await run(importArgs('--dry-run'));
    expect(stderr).toContain('warning: asked for a dry run, the server reports dryRun=false');
  });

  it('exits 3 and says why when the key is refused', async () => {
    const { code, stdout, stderr } = await run(['import', csvFile, '--url', baseUrl, '--key', 'wrong']);
    expect(stderr).toBe(
      'workpoint: the server answered HTTP 401 unauthorized: unknown API key (check the API key (--key or WORKPOINT_API_KEY)) [request req-401]\n',
    );
    expect(stdout).toBe('');
    expect(code).toBe(3);
  });

  it('exits 3 when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await run(['import', csvFile, '--url', `http://127.0.0.1:${port}`, '--key', KEY]);
    expect(stderr).toContain(`cannot reach http://127.0.0.1:${port}/: connect ECONNREFUSED`);
    expect(code).toBe(3);
  });

  it('exits 3 when the answer ends without a result', async () => {
    respond = async (_, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end('{"type":"progress","phase":"validate","done":1,"total":2}\n');
    };
    const { code, stderr } = await run(importArgs());
    expect(stderr).toContain('ended its answer without a result');
    expect(code).toBe(3);
  });

  it('exits 3 on a result that breaks the contract', async () => {
    respond = async (_, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end('{"type":"result","dryRun":false}\n');
    };
    const { code, stderr } = await run(importArgs());
    expect(stderr).toMatch(/^workpoint: unreadable answer from the server: a message breaks the import contract \(lines: .*\)\n$/);
    expect(code).toBe(3);
  });

  it('exits 3 when something else answers 200', async () => {
    respond = async (_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>login</html>');
    };
    const { code, stderr } = await run(importArgs());
    expect(stderr).toContain("not with NDJSON (content-type 'text/html')");
    expect(code).toBe(3);
  });

  it('exits 2 without sending when the file is missing or too large', async () => {
    const missing = await run(['import', join(dir, 'nope.csv'), '--url', baseUrl, '--key', KEY]);
    expect(missing.stderr).toMatch(/^workpoint: cannot read .*nope.csv: ENOENT: no such file/);
    expect(missing.code).toBe(2);

    const big = join(dir, 'big.csv');
    await writeFile(big, '');
    await truncate(big, MAX_UPLOAD_BYTES + 1); // sparse: no 100 MB written
    const tooLarge = await run(['import', big, '--url', baseUrl, '--key', KEY]);
    expect(tooLarge.stderr).toContain('at most 100 MiB');
    expect(tooLarge.code).toBe(2);
    expect(received).toEqual([]);
  });

  it('prints usage with exit 0 for --help and exit 2 for bad arguments', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/^Usage: workpoint import <file.csv>/);
    expect(help.code).toBe(0);
    const bad = await run(['import']);
    expect(bad.stderr).toMatch(/^workpoint: import needs a CSV file\n\nUsage:/);
    expect(bad.code).toBe(2);
  });
});

describe('workpoint api-key', () => {
  it('prints a fresh key the API accepts as API_ADMIN_KEY, different each time', async () => {
    const first = await run(['api-key']);
    const second = await run(['api-key']);
    expect(first.code).toBe(ExitCode.ok);
    expect(parseApiKey(first.stdout.trim())).toBeDefined();
    expect(second.stdout).not.toBe(first.stdout);
  });

  it('takes no arguments', async () => {
    expect((await run(['api-key', 'extra'])).code).toBe(ExitCode.usage);
  });
});
