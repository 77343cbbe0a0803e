/** The response stream is not NDJSON: which line, and why. */
export class NdjsonError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line} of the response: ${message}`);
    this.name = 'NdjsonError';
  }
}

/** A result with 1,000 errors is far below this; a line longer than it is a broken server. */
export const MAX_NDJSON_LINE = 8 * 1024 * 1024;

/**
 * One parsed JSON value per line of a byte stream, as the lines complete: a line may arrive in
 * several chunks, a UTF-8 character may be cut between two. Blank lines are skipped; the last
 * line needs no line break.
 */
export async function* readNdjson(chunks: AsyncIterable<Uint8Array | string>, maxLine = MAX_NDJSON_LINE): AsyncGenerator<unknown> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 0;
  const parse = (text: string): unknown[] => {
    line++;
    const json = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (json.trim() === '') {
      return [];
    }
    try {
      return [JSON.parse(json)];
    } catch (error) {
      throw new NdjsonError(`not JSON (${error instanceof Error ? error.message : String(error)})`, line);
    }
  };
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new NdjsonError('not UTF-8', line + 1);
    }
  };

  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decode(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield* parse(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLine) {
      throw new NdjsonError(`longer than ${maxLine} characters`, line + 1);
    }
  }
  pending += decode();
  yield* parse(pending);
}
