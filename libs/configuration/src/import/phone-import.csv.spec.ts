import { parsePhoneImport, type ImportFatal, type ImportLineError, type ImportRow, type PhoneImportParse } from './phone-import.csv';

const knownProfiles = new Set(['desk-default', 'reception']);

const parseBytes = (bytes: Buffer, maxLines?: number): PhoneImportParse => parsePhoneImport(bytes, { knownProfiles, maxLines });
const parse = (text: string, maxLines?: number): PhoneImportParse => parseBytes(Buffer.from(text, 'utf8'), maxLines);

function rowsOf(result: PhoneImportParse): ImportRow[] {
  if (!result.ok) {
    throw new Error(`expected rows, got ${JSON.stringify(result.fatal ?? result.errors)}`);
  }
  return result.rows;
}

function errorsOf(result: PhoneImportParse): ImportLineError[] {
  if (result.ok || result.fatal !== undefined) {
    throw new Error(`expected line errors, got ${JSON.stringify(result)}`);
  }
  return result.errors;
}

function fatalOf(result: PhoneImportParse): ImportFatal {
  if (result.ok || result.fatal === undefined) {
    throw new Error(`expected a fatal problem, got ${JSON.stringify(result)}`);
  }
  expect(result.rows).toEqual([]);
  expect(result.errors).toEqual([]);
  return result.fatal;
}

/** The single row of a `mac,<column>` file. */
const single = (header: string, line: string): ImportRow => {
  const rows = rowsOf(parse(`${header}\n${line}\n`));
  expect(rows).toHaveLength(1);
  return rows[0];
};

/** The errors of a `mac,<column>` file with one data line. */
const problemsOf = (header: string, line: string): ImportLineError[] => errorsOf(parse(`${header}\n${line}\n`));

/** n distinct MACs, bare form and canonical form. */
const macs = (n: number): { bare: string; canonical: string }[] =>
  Array.from({ length: n }, (_, i) => {
    const bare = (0x001ae8000000 + i).toString(16).padStart(12, '0');
    return { bare, canonical: bare.toUpperCase().match(/.{2}/g)!.join(':') };
  });

describe('parsePhoneImport', () => {
  describe('encoding', () => {
    it('strips a UTF-8 byte-order mark, so the first column is still mac', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('mac,site\n001122aabbcc,Zürich\n', 'utf8')]);
      expect(rowsOf(parseBytes(bytes))).toEqual([{ line: 2, mac: '00:11:22:AA:BB:CC', site: 'Zürich', tags: [] }]);
    });

    it.each([
      ['LE', Buffer.from('\ufeffmac\n001122aabbcc\n', 'utf16le')],
      ['BE', Buffer.from('\ufeffmac\n001122aabbcc\n', 'utf16le').swap16()],
    ])('refuses UTF-16 %s with a byte-order mark', (endian, bytes) => {
      const fatal = fatalOf(parseBytes(bytes));
      expect(fatal.code).toBe('encoding');
      expect(fatal.message).toContain('must be UTF-8');
      expect(fatal.message).toContain(`UTF-16 ${endian} byte-order mark`);
    });

    it('refuses UTF-16 without a byte-order mark by its NUL bytes', () => {
      const fatal = fatalOf(parseBytes(Buffer.from('mac\n001122aabbcc\n', 'utf16le')));
      expect(fatal.code).toBe('encoding');
      expect(fatal.message).toContain('NUL byte at byte offset 1 (line 1)');
    });

    it('refuses a NUL byte in an otherwise UTF-8 file', () => {
      const fatal = fatalOf(parse('mac,site\n001122aabbcc,Mun\0ich\n'));
      expect(fatal).toEqual({ code: 'encoding', message: expect.stringContaining('NUL byte at byte offset 25 (line 2)') });
    });

    it('refuses Latin-1 and says at which byte and line', () => {
      // 'mac,site\n' is 9 bytes, '001122aabbcc,Caf' 16 more: é (0xE9) is at offset 25.
      const fatal = fatalOf(parseBytes(Buffer.from('mac,site\n001122aabbcc,Café\n', 'latin1')));
      expect(fatal.code).toBe('encoding');
      expect(fatal.message).toContain('must be UTF-8');
      expect(fatal.message).toContain('invalid UTF-8 at byte offset 25 (line 2)');
    });

    it.each([
      ['a lone continuation byte', [0x80]],
      ['an overlong encoding', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['a sequence cut short by the end of the file', [0xe2, 0x82]],
    ])('finds %s after valid multi-byte characters', (_, bad) => {
      // '€' is three bytes: the offset counts bytes, not characters.
      const bytes = Buffer.concat([Buffer.from('mac,site\n€\n', 'utf8'), Buffer.from(bad)]);
      expect(fatalOf(parseBytes(bytes)).message).toContain('invalid UTF-8 at byte offset 13 (line 3)');
    });

    it('calls a zero-byte file empty', () => {
      expect(fatalOf(parseBytes(Buffer.alloc(0)))).toEqual({ code: 'empty', message: 'the file is empty' });
    });

    it.each([
      ['only a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf])],
      ['only blank lines', Buffer.from('\n  \r\n\t\n')],
    ])('calls a file with %s empty', (_, bytes) => {
      expect(fatalOf(parseBytes(bytes)).code).toBe('empty');
    });
  });

  describe('header', () => {
    it('takes the columns in any order and any case, with their aliases', () => {
      const row = single('Profile,USER NAME,Device-Type,MAC,Phone Number,Site,Tags', 'reception,Jane Doe,OpenStage 60,00-1a-e8-00-00-01,+49 89 700,Munich,desk|sales');
      expect(row).toEqual({
        line: 2,
        mac: '00:1A:E8:00:00:01',
        e164: '+4989700',
        model: 'OpenStage 60',
        site: 'Munich',
        tags: ['desk', 'sales'],
        user: 'Jane Doe',
        profile: 'reception',
      });
    });

    it.each([
      ['username', 'user'],
      ['user_name', 'user'],
      ['user name', 'user'],
      ['User  Name', 'user'],
      ['number', 'e164'],
      ['phone number', 'e164'],
      ['device-type', 'model'],
    ] as const)('reads column %j as %s', (alias, column) => {
      expect(single(`mac,${alias}`, '001122aabbcc,12345')[column]).toBe('12345');
    });

    it('names every unknown column', () => {
      const fatal = fatalOf(parse('mac,colour,Floor\n001122aabbcc,red,3\n'));
      expect(fatal.code).toBe('header');
      expect(fatal.message).toContain('unknown columns "colour", "Floor"');
    });

    it('does not take names of object properties for columns', () => {
      expect(fatalOf(parse('mac,constructor\n')).message).toContain('unknown column "constructor"');
    });

    it('requires a mac column', () => {
      expect(fatalOf(parse('e164,site\n4989700,Munich\n'))).toEqual({ code: 'header', message: expect.stringContaining("line 1: no 'mac' column") });
    });

    it('takes a file whose first line is data to have no header', () => {
      expect(fatalOf(parse('001122aabbcc,Munich\n')).code).toBe('header');
    });

    it.each([
      ['mac,site,Site', "columns 'site' and 'Site' both give site"],
      ['mac,user,username', "columns 'user' and 'username' both give user"],
      ['mac,MAC', "columns 'mac' and 'MAC' both give mac"],
    ])('refuses a column given twice: %s', (header, message) => {
      const fatal = fatalOf(parse(`${header}\n`));
      expect(fatal.code).toBe('header');
      expect(fatal.message).toContain(message);
    });

    it('refuses a column without a name', () => {
      expect(fatalOf(parse('mac,site,\n')).message).toContain('column 3 has no name');
    });

    it('refuses a header with an unterminated quote', () => {
      expect(fatalOf(parse('"mac,site\n001122aabbcc,Munich\n')).code).toBe('header');
    });

    it('refuses bare CR line breaks rather than reading the file as one line', () => {
      const fatal = fatalOf(parse('mac,site\r001122aabbcc,Munich\r'));
      expect(fatal.code).toBe('header');
      expect(fatal.message).toContain('bare CR');
    });

    it('finds the header after leading blank lines and counts them', () => {
      expect(fatalOf(parse('\n\nmac,colour\n')).message).toMatch(/^line 3: /);
    });

    it('accepts a header without data lines', () => {
      expect(parse('mac,site\n\n')).toEqual({ ok: true, rows: [], lines: 0 });
    });
  });

  describe('lines and fields', () => {
    it('reads quoted fields with separators and doubled quotes, keeping whitespace inside quotes', () => {
      const row = single('mac,site,user,model', '"00:11:22:33:44:55" , "Munich, ""HQ""",  "  Jane  "  ,Open"Stage');
      expect(row).toEqual({ line: 2, mac: '00:11:22:33:44:55', site: 'Munich, "HQ"', user: '  Jane  ', model: 'Open"Stage', tags: [] });
    });

    it('trims whitespace around unquoted fields', () => {
      expect(single(' mac , site ', '  001122aabbcc ,  Munich West  ')).toEqual({ line: 2, mac: '00:11:22:AA:BB:CC', site: 'Munich West', tags: [] });
    });

    it('reads CRLF line endings without keeping the CR', () => {
      const rows = rowsOf(parse('mac,site\r\n001122aabbcc,Munich\r\n001122aabbcd,Berlin\r\n'));
      expect(rows.map((r) => r.site)).toEqual(['Munich', 'Berlin']);
    });

    it('reads semicolon-separated files when the header has semicolons and no comma', () => {
      const rows = rowsOf(parse('mac;site;tags\n001122aabbcc;"Munich; West";a|b\n001122aabbcd;Berlin, Mitte;"c;d"\n'));
      expect(rows).toEqual([
        { line: 2, mac: '00:11:22:AA:BB:CC', site: 'Munich; West', tags: ['a', 'b'] },
        { line: 3, mac: '00:11:22:AA:BB:CD', site: 'Berlin, Mitte', tags: ['c', 'd'] },
      ]);
    });

    it('keeps the comma as separator when the header has one, so a semicolon splits tags', () => {
      expect(single('mac,tags', '001122aabbcc,a;b').tags).toEqual(['a', 'b']);
    });

    it('skips blank and separator-only lines but counts them in line numbers', () => {
      const result = parse('\nmac,site\n\n001122aabbcc,Munich\n   \n , \nzz,Berlin\n');
      expect(errorsOf(result)).toEqual([{ line: 7, column: 'mac', message: 'not a MAC address: "zz"' }]);
      expect(result.rows.map((r) => r.line)).toEqual([4]);
      expect(result.lines).toBe(2);
    });

    it('reports a quoted field that runs past its line on that line only', () => {
      const result = parse('mac,site\n001122aabbcc,"Munich\n001122aabbcd,Berlin\n');
      expect(errorsOf(result)).toEqual([{ line: 2, message: expect.stringContaining('quoted value does not end on this line') }]);
      expect(result.rows).toEqual([{ line: 3, mac: '00:11:22:AA:BB:CD', site: 'Berlin', tags: [] }]);
    });

    it('refuses text after a closing quote', () => {
      expect(problemsOf('mac,site', '001122aabbcc,"Munich"West')).toEqual([{ line: 2, message: expect.stringContaining('field 2: unexpected text after the closing quote') }]);
    });

    it('refuses a line with more or fewer fields than the header', () => {
      expect(errorsOf(parse('mac,site\n001122aabbcc,Munich,Bavaria\n001122aabbcd\n001122aabbce,\n'))).toEqual([
        { line: 2, message: "expected 2 fields as in the header, found 3 (a value containing ',' must be in double quotes)" },
        { line: 3, message: 'expected 2 fields as in the header, found 1' },
      ]);
    });
  });

  describe('values', () => {
    it.each([
      ['001122aabbcc', '00:11:22:AA:BB:CC'],
      ['00:11:22:AA:BB:CC', '00:11:22:AA:BB:CC'],
      ['00:11:22:aa:bb:cc', '00:11:22:AA:BB:CC'],
      ['00-11-22-aa-bb-cc', '00:11:22:AA:BB:CC'],
      ['0011.22aa.bbcc', '00:11:22:AA:BB:CC'],
      ['"  0011.22AA.BBCC  "', '00:11:22:AA:BB:CC'],
    ])('reads MAC %s as %s', (raw, mac) => {
      expect(single('mac', raw).mac).toBe(mac);
    });

    it.each(['xx', '00:11:22:33:44', '00:11-22:33:44:55', 'zz1122aabbcc', '0011.22aa.bbc', '0011:22aa:bbcc', '00.11.22.aa.bb.cc', '001122aabbccdd', '00 11 22 aa bb cc'])(
      'refuses MAC %j',
      (raw) => {
        expect(problemsOf('mac,site', `${raw},Munich`)).toEqual([{ line: 2, column: 'mac', message: `not a MAC address: ${JSON.stringify(raw)}` }]);
      },
    );

    it('says when the MAC is missing', () => {
      expect(problemsOf('mac,site', ',Munich')).toEqual([{ line: 2, column: 'mac', message: 'missing MAC address' }]);
    });

    it('clips long values echoed in messages', () => {
      const [error] = problemsOf('mac', 'x'.repeat(10_000));
      expect(error.message).toBe(`not a MAC address: "${'x'.repeat(40)}…"`);
    });

    it.each([
      ['+4989700', '+4989700'],
      ['49 89 700', '4989700'],
      ['"+49 89 700 "', '+4989700'],
      ['112', '112'],
      ['+123456789012345', '+123456789012345'],
    ])('reads E.164 number %s as %s', (raw, e164) => {
      expect(single('mac,e164', `001122aabbcc,${raw}`).e164).toBe(e164);
    });

    it.each(['12', '+1234567890123456', '+49-89-700', '++4989700', '49+89700', 'abc', '(089) 700'])('refuses E.164 number %j', (raw) => {
      expect(problemsOf('mac,e164', `001122aabbcc,${raw}`)).toEqual([
        { line: 2, column: 'e164', message: `not an E.164 number: ${JSON.stringify(raw)} (expected an optional + and 3 to 15 digits)` },
      ]);
    });

    it.each([
      ['desk|sales; floor-2 ||desk', ['desk', 'sales', 'floor-2']],
      [' | ; ', []],
      ['site:munich|v1.2_x', ['site:munich', 'v1.2_x']],
      ['a'.repeat(64), ['a'.repeat(64)]],
    ])('reads tags %j', (raw, tags) => {
      expect(single('mac,tags', `001122aabbcc,"${raw}"`).tags).toEqual(tags);
    });

    it.each(['-desk', 'front desk', 'a'.repeat(65), 'büro', '_x'])('refuses tag %j', (tag) => {
      const [error] = problemsOf('mac,tags', `001122aabbcc,ok|${tag}`);
      expect(error).toEqual({ line: 2, column: 'tags', message: expect.stringContaining(`not a valid tag: ${JSON.stringify(tag.slice(0, 40) + (tag.length > 40 ? '…' : ''))}`) });
    });

    it.each(['site', 'model', 'user'] as const)('takes %s up to 128 characters, counted as characters', (column) => {
      // Each emoji is two UTF-16 units: 128 of them are 256 units but 128 characters.
      expect(single(`mac,${column}`, `001122aabbcc,${'😀'.repeat(128)}`)[column]).toBe('😀'.repeat(128));
      expect(problemsOf(`mac,${column}`, `001122aabbcc,${'x'.repeat(129)}`)).toEqual([{ line: 2, column, message: 'too long: 129 characters (at most 128)' }]);
    });

    it.each([
      ['a tab', '"Munich\tWest"', 'U+0009'],
      ['DEL', 'Mun\u007fich', 'U+007F'],
      ['a C1 control', 'Mun\u0085ich', 'U+0085'],
    ])('refuses %s in a text value', (_, raw, codePoint) => {
      expect(problemsOf('mac,site', `001122aabbcc,${raw}`)).toEqual([{ line: 2, column: 'site', message: `contains a control character (${codePoint})` }]);
    });

    it('takes only known profiles, by exact name', () => {
      expect(single('mac,profile', '001122aabbcc,reception').profile).toBe('reception');
      expect(problemsOf('mac,profile', '001122aabbcc,nope')).toEqual([{ line: 2, column: 'profile', message: "unknown profile 'nope'" }]);
      expect(problemsOf('mac,profile', '001122aabbcc,Reception')).toEqual([{ line: 2, column: 'profile', message: "unknown profile 'Reception'" }]);
    });

    it('leaves empty cells out of the row', () => {
      expect(single('mac,e164,model,site,tags,user,profile', '001122aabbcc,,,"  ",,,')).toEqual({ line: 2, mac: '00:11:22:AA:BB:CC', tags: [] });
    });

    it('reports every bad value of a line, in column order, and keeps the good lines', () => {
      const result = parse('mac,e164,site,profile\nxx,12,Munich,nope\n001122aabbcc,4989700,Munich,reception\n');
      expect(errorsOf(result)).toEqual([
        { line: 2, column: 'mac', message: 'not a MAC address: "xx"' },
        { line: 2, column: 'e164', message: expect.stringContaining('not an E.164 number: "12"') },
        { line: 2, column: 'profile', message: "unknown profile 'nope'" },
      ]);
      expect(result.rows).toEqual([{ line: 3, mac: '00:11:22:AA:BB:CC', e164: '4989700', site: 'Munich', profile: 'reception', tags: [] }]);
      expect(result.lines).toBe(2);
    });
  });

  describe('duplicates', () => {
    it('refuses a MAC seen before, in whatever notation, naming the first line', () => {
      const result = parse('mac,site\n001122aabbcc,A\n\n00-11-22-AA-BB-CC,B\n0011.22aa.bbcc,C\n001122aabbcd,D\n');
      expect(errorsOf(result)).toEqual([
        { line: 4, column: 'mac', message: 'duplicate of line 2 (00:11:22:AA:BB:CC)' },
        { line: 5, column: 'mac', message: 'duplicate of line 2 (00:11:22:AA:BB:CC)' },
      ]);
      expect(result.rows.map((r) => [r.line, r.site])).toEqual([
        [2, 'A'],
        [6, 'D'],
      ]);
    });

    it('counts a line with another error as the first holder of its MAC', () => {
      expect(errorsOf(parse('mac,profile\n001122aabbcc,nope\n001122AABBCC,reception\n'))).toEqual([
        { line: 2, column: 'profile', message: "unknown profile 'nope'" },
        { line: 3, column: 'mac', message: 'duplicate of line 2 (00:11:22:AA:BB:CC)' },
      ]);
    });
  });

  describe('limits', () => {
    it('reads 50,000 lines by default', () => {
      const all = macs(50_000);
      const rows = rowsOf(parse(`mac\n${all.map((m) => m.bare).join('\n')}\n`));
      expect(rows).toHaveLength(50_000);
      expect(rows[49_999]).toEqual({ line: 50_001, mac: all[49_999].canonical, tags: [] });
    });

    it('refuses 100,000 lines before looking at any of them', () => {
      // Every line is invalid: a fatal with no line errors shows no line was validated.
      const result = parse(`mac,site\n${'zz,Munich\n'.repeat(100_000)}`);
      expect(fatalOf(result)).toEqual({ code: 'too-many-lines', message: expect.stringContaining('100000 data lines; an import takes at most 50000') });
      expect(result.lines).toBe(100_000);
    });

    it('counts data lines only against maxLines', () => {
      const lines = macs(4).map((m) => m.bare);
      expect(rowsOf(parse(`mac\n\n${lines.slice(0, 3).join('\n\n')}\n\n`, 3))).toHaveLength(3);
      expect(fatalOf(parse(`mac\n${lines.join('\n')}\n`, 3)).code).toBe('too-many-lines');
    });

    it('lists at most 1,000 errors, then says how many more there are and where they start', () => {
      const result = parse(`mac\n${'zz\n'.repeat(1_500)}`);
      const errors = errorsOf(result);
      expect(errors).toHaveLength(1_001);
      expect(errors[999]).toEqual({ line: 1_001, column: 'mac', message: 'not a MAC address: "zz"' });
      expect(errors[1_000]).toEqual({ line: 1_002, message: '500 more errors not listed, the first of them on this line' });
      expect(result.lines).toBe(1_500);
    });
  });
});
