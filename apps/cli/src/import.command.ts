import { readFile, stat } from 'node:fs/promises';
import type { ImportCommand } from './cli-args.parser';
import { ExitCode } from './exit-code';
import { createProgressReporter } from './import-progress.reporter';
import { formatHttpFailure, formatImportReport } from './import-report.formatter';
import { ImportStreamMessageSchema, KNOWN_STREAM_TYPES, type ImportResult } from './import-stream.schema';
import { readNdjson } from './ndjson.reader';

/** Refused locally: the server's own limit (50,000 lines) is far below this anyway. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTty: boolean;
}

export async function runImport(command: ImportCommand, io: CliIo): Promise<ExitCode> {
  const body = await readUpload(command.file);
  if (typeof body === 'string') {
    io.stderr(`workpoint: ${body}\n`);
    return ExitCode.usage;
  }

  const endpoint = importsUrl(command.url, command.dryRun);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${command.key}`, 'content-type': 'text/csv', accept: 'application/x-ndjson' },
      body,
    });
  } catch (error) {
    io.stderr(`workpoint: cannot reach ${command.url.href}: ${networkCause(error)}\n`);
    return ExitCode.failure;
  }
  if (response.status !== 200) {
    io.stderr(`workpoint: ${formatHttpFailure(response.status, await response.text().catch(() => ''))}\n`);
    return ExitCode.failure;
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('ndjson') || response.body === null) {
    io.stderr(`workpoint: the server answered 200 but not with NDJSON (content-type '${type}'); is ${command.url.href} the operator API?\n`);
    await response.body?.cancel();
    return ExitCode.failure;
  }

  const progress = createProgressReporter((text) => io.stderr(text), io.stderrIsTty);
  let result: ImportResult | undefined;
  try {
    for await (const value of readNdjson(response.body)) {
      if (!KNOWN_STREAM_TYPES.includes((value as { type?: unknown } | null)?.type)) {
        continue;
      }
      const parsed = ImportStreamMessageSchema.safeParse(value);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new Error(`a message breaks the import contract (${issues.join('; ')})`);
      }
      const message = parsed.data;
      if (message.type === 'result') {
        result = message;
        break;
      }
      progress.update(message);
    }
  } catch (error) {
    progress.finish();
    io.stderr(`workpoint: unreadable answer from the server: ${messageOf(error)}\n`);
    return ExitCode.failure;
  }
  progress.finish();
  if (result === undefined) {
    io.stderr('workpoint: the server ended its answer without a result; whether anything was applied is unknown\n');
    return ExitCode.failure;
  }
  if (result.dryRun !== command.dryRun) {
    io.stderr(`workpoint: warning: asked for ${command.dryRun ? 'a dry run' : 'an import'}, the server reports dryRun=${result.dryRun}\n`);
  }
  io.stdout(command.json ? `${JSON.stringify(result, null, 2)}\n` : formatImportReport(result));
  return result.fatal !== undefined || result.errors.length > 0 ? ExitCode.rejected : ExitCode.ok;
}

/** Relative to the given URL, so an API behind a path prefix (`https://host/workpoint`) works. */
export function importsUrl(base: URL, dryRun: boolean): URL {
  const url = new URL('api/v1/imports', base.href.endsWith('/') ? base : `${base.href}/`);
  url.searchParams.set('dryRun', String(dryRun));
  return url;
}

/** The file's bytes as they are (the server checks the encoding), or why they cannot be sent. */
async function readUpload(file: string): Promise<Buffer | string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      return `${file} is not a file`;
    }
    if (info.size > MAX_UPLOAD_BYTES) {
      return `${file} is ${Math.ceil(info.size / 1024 / 1024)} MiB; at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB can be sent: split it`;
    }
    return await readFile(file);
  } catch (error) {
    return `cannot read ${file}: ${messageOf(error)}`;
  }
}

/**
 * fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS problem…) is its cause. Errors
 * are read by shape, not instanceof: they may come from another realm (a test VM).
 */
function networkCause(error: unknown): string {
  return messageOf((error as { cause?: unknown } | null)?.cause ?? error);
}

function messageOf(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return typeof message === 'string' && message !== '' ? message : typeof code === 'string' ? code : String(error);
}
