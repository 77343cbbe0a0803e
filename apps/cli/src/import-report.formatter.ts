import { ApiErrorBodySchema, type ImportResult } from './import-stream.schema';

export const MAX_PRINTED_ERRORS = 50;

/** The human report of an import result, for stdout. */
export function formatImportReport(result: ImportResult, maxErrors = MAX_PRINTED_ERRORS): string {
  const out: string[] = [];
  if (result.fatal !== undefined) {
    out.push(`Import refused (${result.fatal.code}): ${result.fatal.message}`, 'Nothing was applied.');
  } else if (result.errors.length > 0) {
    out.push(
      `${result.lines} ${plural(result.lines, 'line')}, ${result.valid} valid; ${result.errors.length} ${plural(result.errors.length, 'error')}.`,
      'Nothing was applied (an import is all or nothing): fix the file and import it again.',
    );
  } else if (result.dryRun) {
    out.push(
      `Dry run: ${result.lines} ${plural(result.lines, 'line')}, all valid. Would create ${result.created}, update ${result.updated}, leave ${result.unchanged} unchanged.`,
      'Nothing was applied.',
    );
  } else {
    out.push(`Imported ${result.lines} ${plural(result.lines, 'line')}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged.`);
  }
  for (const error of result.errors.slice(0, maxErrors)) {
    out.push(`line ${error.line}${error.column === undefined ? '' : `, ${error.column}`}: ${error.message}`);
  }
  if (result.errors.length > maxErrors) {
    out.push(`… and ${result.errors.length - maxErrors} more`);
  }
  return `${out.join('\n')}\n`;
}

const HINTS: Readonly<Record<number, string>> = {
  401: 'check the API key (--key or WORKPOINT_API_KEY)',
  403: 'this API key may not import phones',
  413: 'the file is too large for the server: split it',
  415: 'the server did not take the file as CSV',
};

/** One line saying why the server answered with a status other than 200. */
export function formatHttpFailure(status: number, body: string): string {
  const parsed = ApiErrorBodySchema.safeParse(tryJson(body));
  const hint = HINTS[status] === undefined ? '' : ` (${HINTS[status]})`;
  if (!parsed.success) {
    const text = body.trim();
    return `the server answered HTTP ${status}${hint}${text === '' ? '' : `: ${clip(text.replace(/\s+/g, ' '), 200)}`}`;
  }
  const { error, requestId } = parsed.data;
  const details = error.details === undefined ? '' : ` ${clip(JSON.stringify(error.details), 500)}`;
  return `the server answered HTTP ${status} ${error.code}: ${error.message}${details}${hint}${requestId === undefined ? '' : ` [request ${requestId}]`}`;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
