import type { ServerResponse } from 'node:http';
import type { ApiErrorBody } from './http-error';
import type { RouteResult, StreamResult } from './route.definition';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': String(payload.length) });
  res.end(payload);
}

export function writeError(
  res: ServerResponse,
  status: number,
  error: ApiErrorBody['error'],
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body: ApiErrorBody = { error, requestId };
  writeJson(res, status, body, headers);
}

/** Writes what a handler returned; resolves when the response is complete or the client left. */
export async function writeResult(res: ServerResponse, result: RouteResult, signal: AbortSignal): Promise<void> {
  const headers = result.headers ?? {};
  if ('stream' in result) {
    await writeStream(res, result, signal);
  } else if ('text' in result) {
    const payload = typeof result.text === 'string' ? Buffer.from(result.text, 'utf8') : result.text;
    res.writeHead(result.status, { ...headers, 'Content-Type': result.contentType, 'Content-Length': String(payload.length) });
    res.end(payload);
  } else if (result.body === undefined) {
    res.writeHead(result.status, headers);
    res.end();
  } else {
    writeJson(res, result.status, result.body, headers);
  }
}

/**
 * Chunked transfer, one write per chunk. A full socket buffer makes the loop wait for `drain`
 * before pulling the next chunk, so a slow client slows the producer down instead of piling
 * the export up in memory. A client that leaves ends the loop, which closes the iterable.
 */
async function writeStream(res: ServerResponse, result: StreamResult, signal: AbortSignal): Promise<void> {
  res.writeHead(result.status, { ...result.headers, 'Content-Type': result.contentType });
  for await (const chunk of result.stream) {
    if (signal.aborted) break;
    if (!res.write(chunk) && !(await drained(res, signal))) break;
  }
  if (!signal.aborted) res.end();
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (value: boolean) => (): void => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onDrain = settle(true);
    const onAbort = settle(false);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
