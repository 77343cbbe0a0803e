import type { WpiAction, WpiItem } from './wpi-types';
import { WpiBuildError } from './wpi-build.error';
import { buildDlsMessage } from './dls-message.builder';
import { parseDlsMessage } from './dls-message.parser';
import { relatedGroupKey } from './item-groups';
import { splitItems, WpiSplitError, WPI_MAX_MESSAGE_BYTES, type SplitLimits } from './message-splitter';

const NONCE = '4F6A1034A46B463F8D008DA09314040A';

const plain = (name: string, value: string | null): WpiItem => ({ name, value });
const indexed = (name: string, index: number, value: string | null): WpiItem => ({ name, index, value });

function limitsOf(overrides: Partial<SplitLimits> = {}): SplitLimits {
  return { maxItems: -1, action: 'WriteItems', nonce: NONCE, ...overrides };
}

function bytesOf(action: WpiAction, items: WpiItem[], nonce = NONCE): number {
  return Buffer.byteLength(buildDlsMessage({ nonce, action, items }), 'utf8');
}

function splitError(run: () => unknown): WpiSplitError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof WpiSplitError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected splitItems to throw');
}

/**
 * Everything a split must guarantee, checked against the real builder: every item exactly
 * once, limits held by the built XML, no group in two messages, original order kept.
 */
function expectValidSplit(items: readonly WpiItem[], messages: WpiItem[][], limits: SplitLimits): void {
  const flat = messages.flat();
  expect(flat).toHaveLength(items.length);
  expect(new Set(flat).size).toBe(items.length);
  expect(flat.every((item) => items.includes(item))).toBe(true);

  const maxBytes = limits.maxBytes ?? WPI_MAX_MESSAGE_BYTES;
  const messageOfGroup = new Map<string, number>();
  messages.forEach((message, number) => {
    expect(message.length).toBeGreaterThan(0);
    if (limits.maxItems >= 1) {
      expect(message.length).toBeLessThanOrEqual(limits.maxItems);
    }
    expect(bytesOf(limits.action, message, limits.nonce)).toBeLessThanOrEqual(maxBytes);
    const positions = message.map((item) => items.indexOf(item));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const item of message) {
      const key = relatedGroupKey(item);
      expect(messageOfGroup.get(key) ?? number).toBe(number);
      messageOfGroup.set(key, number);
    }
  });

  // Groups leave in the order of their first item.
  const firstSeen = [...new Set(items.map(relatedGroupKey))];
  const order = firstSeen.map((key) => messageOfGroup.get(key)!);
  expect(order).toEqual([...order].sort((a, b) => a - b));
}

/** The first group of a message: the items of the key of its first item. */
function firstGroup(message: WpiItem[]): WpiItem[] {
  const key = relatedGroupKey(message[0]!);
  return message.filter((item) => relatedGroupKey(item) === key);
}

const SINGLE_SETTINGS: readonly [string, string][] = [
  ['sntp-addr', 'pool.ntp.org'],
  ['sntp-tz-offset', '60'],
  ['daylight-save', 'true'],
  ['auto-daylight-save', 'true'],
  ['daylight-save-zone-id', '9'],
  ['reg-addr', 'sip.example.net'],
  ['reg-port', '5060'],
  ['registrar-addr', 'sip.example.net'],
  ['registrar-port', '5060'],
  ['outbound-proxy-addr', 'proxy.example.net'],
  ['sip-user-id', '4989722312'],
  ['sip-pwd', 's3cret'],
  ['realm', 'example.net'],
  ['e164', '4989722312'],
  ['display-id-unicode', 'Empfang'],
  ['use-display-id', 'true'],
  ['country-iso', 'DE'],
  ['language-iso', 'de'],
  ['date-format', '0'],
  ['time-format', '0'],
  ['call-waiting-enabled', 'true'],
  ['auto-answer', 'false'],
  ['moh-enabled', 'true'],
  ['vlan-method', '1'],
  ['lldp-enabled', 'true'],
  ['ssh-enable', 'false'],
  ['enable-WBM', 'true'],
  ['blf-code', '*81*'],
];

const KEY_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009];

/**
 * 18 selected-dialling keys × 4 items, written name by name as GS3 does (all
 * function-key-def first, then all labels …), so a key's items are far apart in the input.
 */
function functionKeyItems(): WpiItem[] {
  return [
    ...KEY_NUMBERS.map((key) => indexed('function-key-def', key, '1')),
    ...KEY_NUMBERS.map((key) => indexed('key-label-unicode', key, `Kollege ${key}`)),
    ...KEY_NUMBERS.map((key) => indexed('select-dial', key, `49897223${key}`)),
    ...KEY_NUMBERS.map((key) => indexed('locked-function-keys', key, 'false')),
  ];
}

function hundredItemWrite(): WpiItem[] {
  const singles = SINGLE_SETTINGS.map(([name, value]) => plain(name, value));
  return [...singles.slice(0, 14), ...functionKeyItems(), ...singles.slice(14)];
}

const SINGLE_FILE_FTP: WpiItem[] = [
  plain('file-server', '192.168.1.150'),
  plain('file-port', '21'),
  plain('file-username', 'dls'),
  plain('file-pwd', 'secret'),
  plain('file-path', '/media'),
  plain('file-name', 'ringtone-phone.wav'),
  plain('file-type', 'RINGTONE'),
];

const FIRMWARE: WpiItem[] = [
  plain('file-server', '192.168.1.150'),
  plain('file-pwd', 'secret'),
  plain('file-path', '/OS/SIP/HI'),
  plain('file-name', 'OS_80_SIP_V1_R4_9_0.img'),
  plain('file-type', 'APP'),
  plain('file-username', 'dls'),
  plain('file-port', '21'),
  plain('file-sw-type', 'Siemens SIP'),
  plain('file-sw-version', '1.4.9.0'),
  plain('file-priority', 'normal'),
];

describe('splitItems', () => {
  describe('a 100-item WriteItems with maxItems=30', () => {
    const items = hundredItemWrite();
    const limits = limitsOf({ maxItems: 30 });

    it('is the payload the test means: 28 single settings and 18 keys of 4 items', () => {
      expect(items).toHaveLength(100);
      expect(new Set(items.map(relatedGroupKey)).size).toBe(28 + 18);
    });

    it('would break keys if cut every 30 items', () => {
      const naive = [items.slice(0, 30), items.slice(30, 60), items.slice(60, 90), items.slice(90)];
      const keysInSeveralChunks = KEY_NUMBERS.filter(
        (key) => naive.filter((chunk) => chunk.some((item) => relatedGroupKey(item) === `function-key[${key}]`)).length > 1,
      );
      expect(keysInSeveralChunks.length).toBeGreaterThan(0);
    });

    it('arrives in exactly 4 messages, every key whole, order kept, every item once', () => {
      const messages = splitItems(items, limits);
      expect(messages).toHaveLength(4);
      expect(messages.map((message) => message.length)).toEqual([30, 28, 30, 12]);
      expectValidSplit(items, messages, limits);
    });

    it('puts all four items of each key together', () => {
      const messages = splitItems(items, limits);
      for (const key of KEY_NUMBERS) {
        const holding = messages.filter((message) => message.some((item) => item.index === key));
        expect(holding).toHaveLength(1);
        expect(holding[0]!.filter((item) => item.index === key).map((item) => item.name)).toEqual([
          'function-key-def',
          'key-label-unicode',
          'select-dial',
          'locked-function-keys',
        ]);
      }
    });

    it('builds messages the parser reads back to the same items', () => {
      const messages = splitItems(items, limits);
      const readBack = messages.flatMap(
        (message) => parseDlsMessage(buildDlsMessage({ nonce: NONCE, action: 'WriteItems', items: message })).items ?? [],
      );
      expect(readBack).toEqual(messages.flat());
    });

    it('splits a ReadItems of the same names the same way', () => {
      const readItems = items.map(({ name, index }) => (index === undefined ? plain(name, null) : indexed(name, index, null)));
      const readLimits = limitsOf({ maxItems: 30, action: 'ReadItems' });
      const messages = splitItems(readItems, readLimits);
      expect(messages.map((message) => message.length)).toEqual([30, 28, 30, 12]);
      expectValidSplit(readItems, messages, readLimits);
    });
  });

  describe('by bytes only (maxItems=-1)', () => {
    // ~3,000 settings and 300 keys: several hundred kB, far beyond one 50 kB message.
    const items: WpiItem[] = [];
    for (let n = 0; n < 3000; n += 1) {
      items.push(indexed('locked-config-menus', n, `value ${n} `.padEnd(90, 'x')));
      if (n % 10 === 0) {
        const key = 300 + n / 10;
        items.push(indexed('function-key-def', key, '59'), indexed('stimulus-led-control-uri', key, `sip:${key}@example.net`));
        items.push(indexed('key-label-unicode', key, `BLF ${key}`));
      }
    }
    const limits = limitsOf({ maxItems: -1 });

    it('keeps every built message within 50 kB and every group whole', () => {
      const messages = splitItems(items, limits);
      const total = bytesOf('WriteItems', items);
      expect(total).toBeGreaterThan(6 * WPI_MAX_MESSAGE_BYTES);
      expect(messages.length).toBeGreaterThanOrEqual(Math.ceil(total / WPI_MAX_MESSAGE_BYTES));
      expectValidSplit(items, messages, limits);
    });

    it('fills each message as far as it goes: the next group would not have fitted', () => {
      const messages = splitItems(items, limits);
      for (let n = 0; n + 1 < messages.length; n += 1) {
        expect(bytesOf('WriteItems', [...messages[n]!, ...firstGroup(messages[n + 1]!)])).toBeGreaterThan(WPI_MAX_MESSAGE_BYTES);
      }
    });

    it('defaults maxBytes to 50 * 1024', () => {
      expect(WPI_MAX_MESSAGE_BYTES).toBe(51200);
      expect(splitItems(items, limits)).toEqual(splitItems(items, { ...limits, maxBytes: 51200 }));
      expect(splitItems(items, limits)).not.toEqual(splitItems(items, { ...limits, maxBytes: 50000 }));
    });

    it('serialises each item once, not once per message or per item added', () => {
      let reads = 0;
      const counted = items.map((source): WpiItem => {
        const copy: WpiItem = { ...source };
        Object.defineProperty(copy, 'value', {
          enumerable: true,
          get: () => {
            reads += 1;
            return source.value;
          },
        });
        return copy;
      });
      splitItems(counted, limits);
      expect(reads).toBe(items.length);
    });
  });

  describe('exact byte accounting', () => {
    const payloads: [string, WpiAction, WpiItem[]][] = [
      ['plain settings', 'WriteItems', SINGLE_SETTINGS.slice(0, 6).map(([name, value]) => plain(name, value))],
      [
        'umlauts and an emoji, counted in UTF-8 bytes',
        'WriteItems',
        [indexed('key-label-unicode', 1, 'Grüße an Jürgen'), indexed('key-label-unicode', 2, 'Müller 😀'), plain('display-id-unicode', 'Büro Süd')],
      ],
      [
        'XML specials that grow when escaped',
        'WriteItems',
        [plain('send-url-query', 'a=1&b=2'), indexed('key-label-unicode', 3, '<"Chef\'s">'), plain('e164', '')],
      ],
      ['empty ReadItems requests', 'ReadItems', [plain('bootstrapping-tan', null), indexed('trace-level', 0, null), plain('e164', null)]],
      ['a multi-line certificate', 'WriteItems', [indexed('dls-server-ca', 0, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'), plain('sntp-addr', 'ntp')]],
    ];

    it.each(payloads)('%s: a limit of exactly the built size keeps one message, one byte less splits', (_title, action, items) => {
      const exact = bytesOf(action, items);
      expect(splitItems(items, limitsOf({ action, maxBytes: exact }))).toEqual([items]);
      const tighter = splitItems(items, limitsOf({ action, maxBytes: exact - 1 }));
      expect(tighter.length).toBeGreaterThan(1);
      expectValidSplit(items, tighter, limitsOf({ action, maxBytes: exact - 1 }));
    });

    it('counts umlauts as two bytes, not one character', () => {
      const items = [indexed('key-label-unicode', 1, 'ä'.repeat(200)), indexed('key-label-unicode', 2, 'ö'.repeat(200))];
      const xml = buildDlsMessage({ nonce: NONCE, action: 'WriteItems', items });
      expect(Buffer.byteLength(xml, 'utf8')).toBeGreaterThan(xml.length);
      const limits = limitsOf({ maxBytes: xml.length });
      const messages = splitItems(items, limits);
      expect(messages).toEqual([[items[0]], [items[1]]]);
      expectValidSplit(items, messages, limits);
    });

    it('counts the nonce: a longer nonce can need another message', () => {
      const items = SINGLE_SETTINGS.slice(0, 4).map(([name, value]) => plain(name, value));
      const maxBytes = bytesOf('WriteItems', items, 'ab15');
      expect(splitItems(items, limitsOf({ nonce: 'ab15', maxBytes }))).toHaveLength(1);
      expect(splitItems(items, limitsOf({ nonce: 'ab15234de14f15a667c6f8d', maxBytes }))).toHaveLength(2);
    });
  });

  describe('file deployments', () => {
    it.each([
      ['a single file over FTP (§5.1)', 'FileDeployment', SINGLE_FILE_FTP],
      ['a firmware image (§5.1, G p.57)', 'SoftwareDeployment', FIRMWARE],
    ] as const)('%s travels in one message at the tightest fitting limits', (_title, action, items) => {
      const maxBytes = bytesOf(action, items);
      expect(splitItems(items, { action, nonce: NONCE, maxItems: items.length, maxBytes })).toEqual([items]);
    });

    it.each([
      ['one item fewer than the file has', SINGLE_FILE_FTP.length - 1, undefined],
      ['one byte less than the file needs', -1, bytesOf('FileDeployment', SINGLE_FILE_FTP) - 1],
    ])('a single file is refused, not split, with %s', (_title, maxItems, maxBytes) => {
      const limits: SplitLimits = { action: 'FileDeployment', nonce: NONCE, maxItems };
      if (maxBytes !== undefined) {
        limits.maxBytes = maxBytes;
      }
      const error = splitError(() => splitItems(SINGLE_FILE_FTP, limits));
      expect(error.code).toBe('group-too-large');
      expect(error.groupKey).toBe('file');
    });

    it('splits a multi-file deployment between files, never inside one', () => {
      // Written item by item across files, as a generator looping over names would.
      const names = ['file-https-base-url', 'file-type', 'file-action', 'file-username'];
      const items = names.flatMap((name) => [1, 2, 3].map((file) => indexed(name, file, `${name} of file ${file}`)));
      const limits = limitsOf({ action: 'FileDeployment', maxItems: 9 });
      const messages = splitItems(items, limits);
      expect(messages.map((message) => [...new Set(message.map((item) => item.index))])).toEqual([[1, 2], [3]]);
      expect(messages[0]!.map((item) => `${item.name}[${String(item.index)}]`).slice(0, 4)).toEqual([
        'file-https-base-url[1]',
        'file-https-base-url[2]',
        'file-type[1]',
        'file-type[2]',
      ]);
      expectValidSplit(items, messages, limits);
    });
  });

  describe('a group larger than the limits', () => {
    const key = [
      indexed('function-key-def', 1, '1'),
      indexed('key-label-unicode', 1, 'Empfang'),
      indexed('select-dial', 1, '100'),
      indexed('locked-function-keys', 1, 'false'),
    ];

    it('throws a typed error naming the group instead of splitting it', () => {
      const error = splitError(() => splitItems(key, limitsOf({ maxItems: 3 })));
      expect(error).toBeInstanceOf(WpiSplitError);
      expect(error.name).toBe('WpiSplitError');
      expect(error.code).toBe('group-too-large');
      expect(error.groupKey).toBe('function-key[1]');
      expect(error.message).toContain('"function-key[1]" (4 items');
      expect(error.message).toContain('maxItems 3');
    });

    it('throws even when other groups before it would have fitted', () => {
      const items = [plain('sntp-addr', 'ntp'), plain('reg-port', '5060'), ...key];
      const error = splitError(() => splitItems(items, limitsOf({ maxItems: 3 })));
      expect(error.groupKey).toBe('function-key[1]');
    });

    it('throws when one item alone is over the byte limit', () => {
      const certificate = indexed('dls-server-ca', 0, 'A'.repeat(WPI_MAX_MESSAGE_BYTES));
      const error = splitError(() => splitItems([plain('sntp-addr', 'ntp'), certificate], limitsOf()));
      expect(error.code).toBe('group-too-large');
      expect(error.groupKey).toBe('secure-mode');
    });

    it('throws when maxBytes does not even hold the envelope', () => {
      const error = splitError(() => splitItems([plain('sntp-addr', 'ntp')], limitsOf({ maxBytes: 100 })));
      expect(error.code).toBe('group-too-large');
      expect(error.groupKey).toBe('sntp-addr');
    });
  });

  describe('edge cases', () => {
    it.each([-1, 30])('empty input gives no messages (maxItems %d)', (maxItems) => {
      expect(splitItems([], limitsOf({ maxItems }))).toEqual([]);
    });

    it('keeps the input order inside a message even when groups interleave', () => {
      const items = [
        indexed('function-key-def', 1, '1'),
        indexed('function-key-def', 2, '1'),
        indexed('select-dial', 1, '100'),
        indexed('select-dial', 2, '200'),
      ];
      expect(splitItems(items, limitsOf({ maxItems: 2 }))).toEqual([
        [items[0], items[2]],
        [items[1], items[3]],
      ]);
      expect(splitItems(items, limitsOf({ maxItems: 4 }))).toEqual([items]);
    });

    it('keeps repeated items of the same unit together', () => {
      const items = [plain('sntp-addr', 'a'), plain('reg-port', '5060'), plain('sntp-addr', 'b')];
      expect(splitItems(items, limitsOf({ maxItems: 2 }))).toEqual([[items[0], items[2]], [items[1]]]);
    });

    it('treats maxItems=0 like -1 (no item cap)', () => {
      const items = hundredItemWrite();
      expect(splitItems(items, limitsOf({ maxItems: 0 }))).toEqual([items]);
    });

    it('puts everything in one message when it fits', () => {
      const items = hundredItemWrite();
      expect(splitItems(items, limitsOf({ maxItems: 100 }))).toEqual([items]);
      expect(splitItems(items, limitsOf({ maxItems: 99 }))).toHaveLength(2);
    });

    it.each([
      ['maxItems 1.5', { maxItems: 1.5 }],
      ['maxItems -2', { maxItems: -2 }],
      ['maxItems NaN', { maxItems: Number.NaN }],
      ['maxBytes 0', { maxBytes: 0 }],
      ['maxBytes -1', { maxBytes: -1 }],
      ['maxBytes 1024.5', { maxBytes: 1024.5 }],
      ['maxBytes Infinity', { maxBytes: Number.POSITIVE_INFINITY }],
    ])('rejects %s as bad limits, even for an empty payload', (_title, overrides) => {
      expect(splitError(() => splitItems([], limitsOf(overrides))).code).toBe('bad-limits');
      expect(splitError(() => splitItems([plain('e164', '1')], limitsOf(overrides))).code).toBe('bad-limits');
    });

    it.each([
      ['a nonce the builder refuses', [plain('e164', '1')], { nonce: '' }, 'bad-nonce'],
      ['an unnamed item', [plain('', '1')], {}, 'bad-item-name'],
      ['a value XML cannot carry', [plain('e164', 'a\u0001b')], {}, 'bad-item-value'],
    ])('passes on the build error for %s', (_title, items, overrides, code) => {
      expect(() => splitItems(items, limitsOf(overrides))).toThrow(WpiBuildError);
      expect(() => splitItems(items, limitsOf(overrides))).toThrow(expect.objectContaining({ code }) as Error);
    });
  });
});
