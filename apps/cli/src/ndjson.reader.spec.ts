import { NdjsonError, readNdjson } from './ndjson.reader';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);

async function all(source: AsyncIterable<string | Uint8Array>, maxLine?: number): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readNdjson(source, maxLine)) {
    values.push(value);
  }
  return values;
}

describe('readNdjson', () => {
  it('yields one value per line', async () => {
    expect(await all(chunks(bytes('{"a":1}\n[2]\n"three"\n')))).toEqual([{ a: 1 }, [2], 'three']);
  });

  it('joins a line split across chunks', async () => {
    expect(await all(chunks(bytes('{"type":"pro'), bytes('gress","done":1}\n{"type"'), bytes(':"result"}\n')))).toEqual([
      { type: 'progress', done: 1 },
      { type: 'result' },
    ]);
  });

  it('joins a UTF-8 character split across chunks', async () => {
    const line = bytes('{"message":"not a MAC: \\"Zürich\\""}\n');
    const cut = line.indexOf(0xc3) + 1;
    expect(await all(chunks(line.slice(0, cut), line.slice(cut)))).toEqual([{ message: 'not a MAC: "Zürich"' }]);
  });

  it('reads CRLF, skips blank lines and takes a last line without line break', async () => {
    expect(await all(chunks('1\r\n\r\n  \n2', '\n3'))).toEqual([1, 2, 3]);
  });

  it('yields each value as soon as its line is complete', async () => {
    const seen: unknown[] = [];
    async function* source(): AsyncGenerator<string> {
      yield '{"n":1}\n{"n":';
      expect(seen).toEqual([{ n: 1 }]);
      yield '2}\n';
    }
    for await (const value of readNdjson(source())) {
      seen.push(value);
    }
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('names the line that is not JSON', async () => {
    const error: unknown = await all(chunks('{"ok":true}\n\n<html>\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NdjsonError);
    expect(error).toMatchObject({ line: 3, message: expect.stringContaining('line 3 of the response: not JSON') });
  });

  it('refuses bytes that are not UTF-8', async () => {
    await expect(all(chunks(new Uint8Array([0x22, 0xff, 0x22, 0x0a])))).rejects.toMatchObject({ message: expect.stringContaining('not UTF-8') });
  });

  it('refuses a line longer than the limit rather than buffering without end', async () => {
    await expect(all(chunks('"' + 'x'.repeat(50), 'x'.repeat(50)), 64)).rejects.toMatchObject({ line: 1, message: expect.stringContaining('longer than 64') });
  });
});
