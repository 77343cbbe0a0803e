import { XMLValidator } from 'fast-xml-parser';
import type { DlsMessage, WpiAction } from './wpi-types';
import { WpiBuildError, type WpiBuildErrorCode } from './wpi-build.error';
import { buildDlsMessage } from './dls-message.builder';
import { parseDlsMessage } from './dls-message.parser';

const NONCE = '4F6A1034A46B463F8D008DA09314040A';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const ROOT =
  '<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">';

function buildError(msg: DlsMessage): WpiBuildError {
  try {
    buildDlsMessage(msg);
  } catch (error: unknown) {
    if (error instanceof WpiBuildError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected buildDlsMessage to throw');
}

describe('buildDlsMessage', () => {
  describe('canonical output', () => {
    it('writes a CleanUp exactly as the guide does, without an ItemList', () => {
      expect(buildDlsMessage({ nonce: NONCE, action: 'CleanUp' })).toBe(
        [
          DECLARATION,
          ROOT,
          `  <Message nonce="${NONCE}">`,
          '    <Action>CleanUp</Action>',
          '  </Message>',
          '</DLSMessage>',
        ].join('\n'),
      );
    });

    it('writes a ReadAllItems with an empty item list the same way', () => {
      expect(buildDlsMessage({ nonce: 'ab15234de14f15a667c6f8d', action: 'ReadAllItems', items: [] })).toBe(
        [
          DECLARATION,
          ROOT,
          '  <Message nonce="ab15234de14f15a667c6f8d">',
          '    <Action>ReadAllItems</Action>',
          '  </Message>',
          '</DLSMessage>',
        ].join('\n'),
      );
    });

    it('writes WriteItems with Action before ItemList, name before index, empty values self-closing', () => {
      const xml = buildDlsMessage({
        nonce: NONCE,
        action: 'WriteItems',
        items: [
          { name: 'sntp-tz-offset', value: '60' },
          { name: 'file-name', index: 2, value: 'ringtone.mp3' },
          { name: 'dls-server-ca', index: 0, value: 'line 1\nline 2' },
          { name: 'key-label-unicode', index: 1001, value: '' },
          { name: 'sntp-addr-backup', value: null },
        ],
      });
      expect(xml).toBe(
        [
          DECLARATION,
          ROOT,
          `  <Message nonce="${NONCE}">`,
          '    <Action>WriteItems</Action>',
          '    <ItemList>',
          '      <Item name="sntp-tz-offset">60</Item>',
          '      <Item name="file-name" index="2">ringtone.mp3</Item>',
          '      <Item name="dls-server-ca" index="0">line 1\nline 2</Item>',
          '      <Item name="key-label-unicode" index="1001"/>',
          '      <Item name="sntp-addr-backup"/>',
          '    </ItemList>',
          '  </Message>',
          '</DLSMessage>',
        ].join('\n'),
      );
    });

    it('escapes all five XML specials in values, item names and the nonce', () => {
      const xml = buildDlsMessage({
        nonce: `A&B<"C'>`,
        action: 'WriteItems',
        items: [{ name: `x&"y'`, value: `<b>R&D</b> "q" 'a'` }],
      });
      expect(xml).toContain(`<Message nonce="A&amp;B&lt;&quot;C&apos;&gt;">`);
      expect(xml).toContain(
        '<Item name="x&amp;&quot;y&apos;">&lt;b&gt;R&amp;D&lt;/b&gt; &quot;q&quot; &apos;a&apos;</Item>',
      );
    });

    it('writes non-ASCII text as UTF-8 characters, not references', () => {
      const xml = buildDlsMessage({ nonce: NONCE, action: 'WriteItems', items: [{ name: 'display-id-unicode', value: 'Jürgen Müller ☎' }] });
      expect(xml).toContain('<Item name="display-id-unicode">Jürgen Müller ☎</Item>');
    });

    it('echoes the nonce exactly, whatever its shape', () => {
      const nonce = 'b015-ÄÖ ü/+=';
      expect(parseDlsMessage(buildDlsMessage({ nonce, action: 'CleanUp' })).nonce).toBe(nonce);
    });

    it('never writes an item status (it only exists from the phone)', () => {
      const xml = buildDlsMessage({ nonce: NONCE, action: 'WriteItems', items: [{ name: 'e164', value: '1', status: 'secure' }] });
      expect(xml).toContain('<Item name="e164">1</Item>');
      expect(xml).not.toContain('status');
    });
  });

  describe('comment option', () => {
    it.each([
      ['plain reason', 'unknown reason for contact', '<!-- unknown reason for contact -->'],
      ['double hyphen and a fake terminator', 'a--b-->c', '<!-- a- -b- ->c -->'],
      ['runs of hyphens', 'x----y', '<!-- x- - - -y -->'],
      ['trailing hyphen', 'ends with-', '<!-- ends with- -->'],
      ['control characters', 'bad\u0000byte\u001b', '<!-- bad byte  -->'],
      ['umlauts', 'Gerät unbekannt', '<!-- Gerät unbekannt -->'],
    ])('%s', (_title, comment, expectedLine) => {
      const xml = buildDlsMessage({ nonce: NONCE, action: 'CleanUp' }, { comment });
      const lines = xml.split('\n');
      expect(lines[0]).toBe(DECLARATION);
      expect(lines[1]).toBe(expectedLine);
      expect(lines[2]).toBe(ROOT);
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(parseDlsMessage(xml)).toEqual({ nonce: NONCE, action: 'CleanUp', items: [] });
    });
  });

  describe('refuses what XML or the protocol cannot carry', () => {
    const cases: ReadonlyArray<{ title: string; msg: DlsMessage; code: WpiBuildErrorCode }> = [
      { title: 'empty nonce', msg: { nonce: '', action: 'CleanUp' }, code: 'bad-nonce' },
      { title: 'nonce with a line break', msg: { nonce: 'AB\nCD', action: 'CleanUp' }, code: 'bad-nonce' },
      { title: 'nonce with a tab', msg: { nonce: 'AB\tCD', action: 'CleanUp' }, code: 'bad-nonce' },
      { title: 'nonce with NUL', msg: { nonce: 'AB\u0000', action: 'CleanUp' }, code: 'bad-nonce' },
      { title: 'nonce with a C1 control', msg: { nonce: 'AB\u0085', action: 'CleanUp' }, code: 'bad-nonce' },
      { title: 'action not in the guide', msg: { nonce: NONCE, action: 'Cleanup' as WpiAction }, code: 'bad-action' },
      { title: 'empty item name', msg: { nonce: NONCE, action: 'ReadItems', items: [{ name: '', value: null }] }, code: 'bad-item-name' },
      {
        title: 'item name with a line break',
        msg: { nonce: NONCE, action: 'ReadItems', items: [{ name: 'reg-\naddr', value: null }] },
        code: 'bad-item-name',
      },
      { title: 'negative index', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', index: -1, value: '1' }] }, code: 'bad-item-index' },
      { title: 'fractional index', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', index: 1.5, value: '1' }] }, code: 'bad-item-index' },
      { title: 'NaN index', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', index: Number.NaN, value: '1' }] }, code: 'bad-item-index' },
      { title: 'value with ESC', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', value: 'x\u001by' }] }, code: 'bad-item-value' },
      { title: 'value with U+FFFE', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', value: 'x\uFFFE' }] }, code: 'bad-item-value' },
      { title: 'value with a lone surrogate', msg: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', value: 'x\uD800y' }] }, code: 'bad-item-value' },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      const error = buildError(testCase.msg);
      expect(error.name).toBe('WpiBuildError');
      expect(error.code).toBe(testCase.code);
    });

    it('names the offending item in the message', () => {
      expect(buildError({ nonce: NONCE, action: 'WriteItems', items: [{ name: 'file-name', index: -3, value: 'a' }] }).message).toBe(
        'item "file-name" has index -3, expected a non-negative integer',
      );
    });

    it('accepts tabs and line breaks inside values', () => {
      const xml = buildDlsMessage({ nonce: NONCE, action: 'WriteItems', items: [{ name: 'a', value: 'x\ty\nz' }] });
      expect(xml).toContain('<Item name="a">x\ty\nz</Item>');
    });
  });
});
