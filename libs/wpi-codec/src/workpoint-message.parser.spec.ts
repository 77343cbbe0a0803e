import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { WorkpointMessage } from './wpi-types';
import { WpiParseError, type WpiParseErrorCode } from './wpi-parse.error';
import { DEFAULT_SCAN_LIMITS } from './message-scan';
import { MAX_NONCE_LENGTH, parseWorkpointMessage } from './workpoint-message.parser';
import { PHONE_SAMPLES, largeReadAllItemsReply } from './testing/samples';

const NONCE = '4F6A1034A46B463F8D008DA09314040A';
const START_UP = '<ReasonForContact>start-up</ReasonForContact>';
const NS = 'xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"';

/** A WorkpointMessage around the given Message attributes and body. */
function phone(messageAttributes: string, body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><WorkpointMessage ${NS}><Message ${messageAttributes}>${body}</Message></WorkpointMessage>`;
}

function parseError(xml: string | Buffer): WpiParseError {
  try {
    parseWorkpointMessage(xml);
  } catch (error: unknown) {
    if (error instanceof WpiParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected parseWorkpointMessage to throw');
}

describe('parseWorkpointMessage', () => {
  describe('protocol.md examples', () => {
    it.each(PHONE_SAMPLES.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
      expect(parseWorkpointMessage(sample.xml)).toEqual(sample.expected);
    });
  });

  describe('leniency (Appendix A.2)', () => {
    const cases: ReadonlyArray<{ title: string; xml: string | Buffer; expected: WorkpointMessage }> = [
      {
        title: 'namespace prefix on every element',
        xml: `<?xml version="1.0" encoding="utf-8"?>
<dls:WorkpointMessage xmlns:dls="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <dls:Message dls:nonce="${NONCE}" maxItems="-1">
    <dls:ReasonForContact>start-up</dls:ReasonForContact>
    <dls:ItemList><dls:Item name="mac-addr">00:01:E3:25:EA:13</dls:Item></dls:ItemList>
  </dls:Message>
</dls:WorkpointMessage>`,
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'start-up',
          items: [{ name: 'mac-addr', value: '00:01:E3:25:EA:13' }],
        },
      },
      {
        title: 'no namespace and no XML declaration',
        xml: `<WorkpointMessage><Message nonce="${NONCE}" maxItems="-1"><ReasonForContact>solicited</ReasonForContact><ItemList><Item name="e164">4989722312</Item></ItemList></Message></WorkpointMessage>`,
        expected: { nonce: NONCE, maxItems: -1, reason: 'solicited', items: [{ name: 'e164', value: '4989722312' }] },
      },
      {
        title: 'foreign default namespace (guide p.34 uses http://mydomain/provisioning)',
        xml: `<WorkpointMessage xmlns="http://mydomain/provisioning"><Message nonce="${NONCE}"><ReasonForContact>solicited</ReasonForContact></Message></WorkpointMessage>`,
        expected: { nonce: NONCE, maxItems: -1, reason: 'solicited', items: [] },
      },
      {
        title: 'attributes in every order: fragment first, status before action, index before name',
        xml: phone(
          `fragment="final" maxItems="-1" nonce="${NONCE}"`,
          '<ReasonForContact status="accepted" action="ReadItems">reply-to</ReasonForContact>' +
            '<ItemList><Item status="failed" index="3" name="codec-rank"/><Item index="1" name="ldap-server-address">ldap.example.com</Item></ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          fragment: 'final',
          reason: 'reply-to',
          replyTo: { action: 'ReadItems', status: 'accepted' },
          items: [
            { name: 'codec-rank', index: 3, value: null, status: 'failed' },
            { name: 'ldap-server-address', index: 1, value: 'ldap.example.com' },
          ],
        },
      },
      {
        title: 'single-quoted attributes and CRLF line endings',
        xml: `<WorkpointMessage>\r\n<Message nonce='${NONCE}' maxItems='-1'>\r\n<ReasonForContact>start-up</ReasonForContact>\r\n<ItemList>\r\n<Item name='e164'>123</Item>\r\n</ItemList>\r\n</Message>\r\n</WorkpointMessage>\r\n`,
        expected: { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'e164', value: '123' }] },
      },
      {
        title: 'whitespace and newlines around the reason, values and attribute values are trimmed',
        xml: phone(
          `nonce="  ${NONCE}\n" maxItems=" -1 "`,
          `<ReasonForContact action=" WriteItems " status="accepted">
              reply-to
           </ReasonForContact>
           <ItemList>
             <Item name="software-version">
                 V3 R1.41.1
             </Item>
             <Item name=" e164 " index=" 2 ">  49897223290  </Item>
           </ItemList>`,
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'reply-to',
          replyTo: { action: 'WriteItems', status: 'accepted' },
          items: [
            { name: 'software-version', value: 'V3 R1.41.1' },
            { name: 'e164', index: 2, value: '49897223290' },
          ],
        },
      },
      {
        title: 'missing maxItems means unlimited (-1); missing fragment stays absent',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="e164">1</Item></ItemList>'),
        expected: { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'e164', value: '1' }] },
      },
      {
        title: 'a maxItems limit is kept as a number',
        xml: phone(`nonce="${NONCE}" maxItems="50"`, '<ReasonForContact>start-up</ReasonForContact>'),
        expected: { nonce: NONCE, maxItems: 50, reason: 'start-up', items: [] },
      },
      {
        title: 'missing ItemList gives an empty list',
        xml: phone(`nonce="${NONCE}" maxItems="-1"`, '<ReasonForContact>solicited</ReasonForContact>'),
        expected: { nonce: NONCE, maxItems: -1, reason: 'solicited', items: [] },
      },
      {
        title: 'ItemList holding only whitespace gives an empty list',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>solicited</ReasonForContact><ItemList>\n  \n</ItemList>'),
        expected: { nonce: NONCE, maxItems: -1, reason: 'solicited', items: [] },
      },
      {
        title: 'SIM writes status="Accepted" (capital A): lower-cased',
        xml: phone(
          `nonce="${NONCE}" maxItems="-1" fragment="final"`,
          '<ReasonForContact action="ReadAllItems" status="Accepted">reply-to</ReasonForContact><ItemList/>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          fragment: 'final',
          reason: 'reply-to',
          replyTo: { action: 'ReadAllItems', status: 'accepted' },
          items: [],
        },
      },
      {
        title: 'capitalised fragment value is lower-cased',
        xml: phone(`nonce="${NONCE}" fragment="Next"`, '<ReasonForContact action="ReadItems" status="FAILED">reply-to</ReasonForContact>'),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          fragment: 'next',
          reason: 'reply-to',
          replyTo: { action: 'ReadItems', status: 'failed' },
          items: [],
        },
      },
      {
        title: 'reply-to without status counts as accepted (as GS3 does)',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact action="WriteItems">reply-to</ReasonForContact><ItemList/>'),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'reply-to',
          replyTo: { action: 'WriteItems', status: 'accepted' },
          items: [],
        },
      },
      {
        title: 'action/status on a reason other than reply-to are ignored',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact action="WriteItems" status="busy">solicited</ReasonForContact>'),
        expected: { nonce: NONCE, maxItems: -1, reason: 'solicited', items: [] },
      },
      {
        title: 'unknown reason and unknown item status are kept verbatim',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>mobility-logon</ReasonForContact><ItemList><Item status="secure" name="userdata-ldap" index="1">QUJD</Item></ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'mobility-logon',
          items: [{ name: 'userdata-ldap', index: 1, value: 'QUJD', status: 'secure' }],
        },
      },
      {
        title: 'repeated names with index, including index 0 and leading zeros',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList>' +
            '<Item name="trace-level" index="0">0</Item>' +
            '<Item name="trace-level" index="1">3</Item>' +
            '<Item name="trace-level" index="007">5</Item>' +
            '<Item name="trace-level">9</Item>' +
            '</ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'start-up',
          items: [
            { name: 'trace-level', index: 0, value: '0' },
            { name: 'trace-level', index: 1, value: '3' },
            { name: 'trace-level', index: 7, value: '5' },
            { name: 'trace-level', value: '9' },
          ],
        },
      },
      {
        title: 'self-closing, empty and whitespace-only items are all null',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList>' +
            '<Item name="a"/><Item name="b"></Item><Item name="c">   \n  </Item><Item name="d" type="string"/>' +
            '</ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'start-up',
          items: [
            { name: 'a', value: null },
            { name: 'b', value: null },
            { name: 'c', value: null },
            { name: 'd', value: null },
          ],
        },
      },
      {
        title: 'numbers and booleans stay strings (leading zeros, -1, true, hex-looking)',
        xml: phone(
          `nonce="00123" maxItems="-1"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList>' +
            '<Item name="e164">00123</Item><Item name="dhcp">true</Item><Item name="vlan-id">-1</Item>' +
            '<Item name="part-number">0x1A</Item><Item name="time">1.50e3</Item>' +
            '</ItemList>',
        ),
        expected: {
          nonce: '00123',
          maxItems: -1,
          reason: 'start-up',
          items: [
            { name: 'e164', value: '00123' },
            { name: 'dhcp', value: 'true' },
            { name: 'vlan-id', value: '-1' },
            { name: 'part-number', value: '0x1A' },
            { name: 'time', value: '1.50e3' },
          ],
        },
      },
      {
        title: 'the old guide nonce (23 lower-case hex characters) is opaque',
        xml: phone('nonce="ab15234de14f15a667c6f8d"', '<ReasonForContact>start-up</ReasonForContact>'),
        expected: { nonce: 'ab15234de14f15a667c6f8d', maxItems: -1, reason: 'start-up', items: [] },
      },
      {
        title: 'umlauts and other non-ASCII text in a string',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>local-changes</ReasonForContact><ItemList>' +
            '<Item name="display-id-unicode">Jürgen Müller</Item><Item name="system-name-unicode">Straße 12 – Zürich ☎</Item>' +
            '</ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'local-changes',
          items: [
            { name: 'display-id-unicode', value: 'Jürgen Müller' },
            { name: 'system-name-unicode', value: 'Straße 12 – Zürich ☎' },
          ],
        },
      },
      {
        title: 'UTF-8 bytes in a Buffer, with a byte-order mark',
        xml: Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="key-label-unicode" index="1">Büro Größe</Item></ItemList>'), 'utf8'),
        ]),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'start-up',
          items: [{ name: 'key-label-unicode', index: 1, value: 'Büro Größe' }],
        },
      },
      {
        title: 'a string with a byte-order mark',
        xml: `\uFEFF${phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact>')}`,
        expected: { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [] },
      },
      {
        title: 'predefined entities and numeric references are decoded exactly once',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList>' +
            '<Item name="a">&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</Item>' +
            '<Item name="b">&#228;&#xE4;&#xe4; &#8364; &#x1F4DE;</Item>' +
            '<Item name="c">&amp;lt; stays &amp;#65;</Item>' +
            '<Item name="d">&nbsp;undeclared</Item>' +
            '<Item name="e">R&amp;D</Item>' +
            '</ItemList>',
        ),
        expected: {
          nonce: NONCE,
          maxItems: -1,
          reason: 'start-up',
          items: [
            { name: 'a', value: `<b> & "c" 'd'` },
            { name: 'b', value: 'äää € 📞' },
            { name: 'c', value: '&lt; stays &#65;' },
            { name: 'd', value: '&nbsp;undeclared' },
            { name: 'e', value: 'R&D' },
          ],
        },
      },
      {
        title: 'entities in attribute values are decoded',
        xml: phone(
          `nonce="A&amp;B&#67;"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="x&lt;&quot;y&quot;" status="&apos;odd&apos;">1</Item></ItemList>',
        ),
        expected: {
          nonce: 'A&BC',
          maxItems: -1,
          reason: 'start-up',
          items: [{ name: 'x<"y"', value: '1', status: "'odd'" }],
        },
      },
      {
        title: 'CDATA text is taken literally',
        xml: phone(
          `nonce="${NONCE}"`,
          '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="x"><![CDATA[a<b>&amp;]]></Item></ItemList>',
        ),
        expected: { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'x', value: 'a<b>&amp;' }] },
      },
      {
        title: 'comments, processing instructions and unknown elements are ignored',
        xml: `<?xml version="1.0" encoding="utf-8"?><?phone firmware="V3"?><!-- trace -->
<WorkpointMessage><Extra>1</Extra><Message nonce="${NONCE}"><!-- c --><ReasonForContact>start-up</ReasonForContact><Unknown a="1"/><ItemList><!-- c --><Item name="e164">1</Item></ItemList></Message></WorkpointMessage>`,
        expected: { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'e164', value: '1' }] },
      },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      expect(parseWorkpointMessage(testCase.xml)).toEqual(testCase.expected);
    });

    it('returns items without undefined optional keys (clean JSON for the event contracts)', () => {
      const parsed = parseWorkpointMessage(
        phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="e164">1</Item></ItemList>'),
      );
      expect(JSON.stringify(parsed)).toBe(
        `{"nonce":"${NONCE}","maxItems":-1,"reason":"start-up","items":[{"name":"e164","value":"1"}]}`,
      );
    });
  });

  describe('rejections', () => {
    const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE WorkpointMessage [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<WorkpointMessage><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact>
<ItemList><Item name="display-id">&lol3;</Item></ItemList></Message></WorkpointMessage>`;

    const cases: ReadonlyArray<{ title: string; xml: string | Buffer; code: WpiParseErrorCode; message: RegExp }> = [
      { title: 'empty string', xml: '', code: 'empty-body', message: /empty/ },
      { title: 'whitespace only', xml: ' \r\n\t ', code: 'empty-body', message: /empty/ },
      { title: 'empty Buffer', xml: Buffer.alloc(0), code: 'empty-body', message: /empty/ },
      { title: 'plain text', xml: 'hello phone', code: 'malformed-xml', message: /not well-formed XML/ },
      { title: 'JSON body', xml: '{"nonce":"1"}', code: 'malformed-xml', message: /not well-formed XML/ },
      {
        title: 'unclosed element',
        xml: `<WorkpointMessage><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></WorkpointMessage>`,
        code: 'malformed-xml',
        message: /line 1, column \d+: .*Message/,
      },
      {
        title: 'bare ampersand in a value',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a">R & D</Item></ItemList>'),
        code: 'malformed-xml',
        message: /&/,
      },
      {
        title: 'duplicate attribute',
        xml: phone(`nonce="${NONCE}" nonce="B"`, '<ReasonForContact>start-up</ReasonForContact>'),
        code: 'malformed-xml',
        message: /nonce/,
      },
      {
        title: 'two root elements',
        xml: `${phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact>')}<WorkpointMessage/>`,
        code: 'malformed-xml',
        message: /root/,
      },
      {
        title: 'a second root with another name',
        xml: `${phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact>')}<DLSMessage/>`,
        code: 'malformed-xml',
        message: /root/,
      },
      {
        title: 'character reference to NUL',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a">x&#0;y</Item></ItemList>'),
        code: 'malformed-xml',
        message: /&#0;/,
      },
      {
        title: 'character reference beyond Unicode',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a">&#x110000;</Item></ItemList>'),
        code: 'malformed-xml',
        message: /&#x110000;/,
      },
      {
        title: 'DLSMessage sent to the service',
        xml: `<DLSMessage ${NS}><Message nonce="${NONCE}"><Action>CleanUp</Action></Message></DLSMessage>`,
        code: 'wrong-root',
        message: /<DLSMessage>.*<WorkpointMessage>/,
      },
      { title: 'an HTML page', xml: '<html><head><title>x</title></head><body>Login</body></html>', code: 'wrong-root', message: /<html>/ },
      {
        title: 'root with the wrong case',
        xml: `<workpointmessage><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Message></workpointmessage>`,
        code: 'wrong-root',
        message: /<workpointmessage>/,
      },
      { title: 'empty root', xml: `<WorkpointMessage ${NS}/>`, code: 'missing-message', message: /WorkpointMessage has no Message/ },
      {
        title: 'Message misspelt',
        xml: `<WorkpointMessage><Msg nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Msg></WorkpointMessage>`,
        code: 'missing-message',
        message: /no Message/,
      },
      {
        title: 'two Message elements',
        xml: `<WorkpointMessage><Message nonce="A"><ReasonForContact>start-up</ReasonForContact></Message><Message nonce="B"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
        code: 'duplicate-element',
        message: /2 Message elements/,
      },
      { title: 'no nonce attribute', xml: phone('maxItems="-1"', '<ReasonForContact>start-up</ReasonForContact>'), code: 'missing-nonce', message: /nonce/ },
      { title: 'empty nonce', xml: phone('nonce="" maxItems="-1"', '<ReasonForContact>start-up</ReasonForContact>'), code: 'missing-nonce', message: /nonce/ },
      { title: 'blank nonce', xml: phone('nonce="   "', '<ReasonForContact>start-up</ReasonForContact>'), code: 'missing-nonce', message: /nonce/ },
      { title: 'Message without attributes', xml: '<WorkpointMessage><Message><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>', code: 'missing-nonce', message: /nonce/ },
      {
        title: 'no ReasonForContact',
        xml: phone(`nonce="${NONCE}"`, '<ItemList><Item name="e164">1</Item></ItemList>'),
        code: 'missing-reason',
        message: /no ReasonForContact/,
      },
      { title: 'empty ReasonForContact', xml: phone(`nonce="${NONCE}"`, '<ReasonForContact/>'), code: 'missing-reason', message: /ReasonForContact is empty/ },
      {
        title: 'blank ReasonForContact with attributes',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact action="WriteItems" status="accepted">  </ReasonForContact>'),
        code: 'missing-reason',
        message: /ReasonForContact is empty/,
      },
      {
        title: 'two ReasonForContact elements',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ReasonForContact>status</ReasonForContact>'),
        code: 'duplicate-element',
        message: /ReasonForContact/,
      },
      {
        title: 'two ItemList elements',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList/><ItemList/>'),
        code: 'duplicate-element',
        message: /ItemList/,
      },
      { title: 'DOCTYPE with internal entities (billion laughs)', xml: BILLION_LAUGHS, code: 'doctype-forbidden', message: /DOCTYPE/ },
      {
        title: 'lower-case doctype',
        xml: `<!doctype WorkpointMessage><WorkpointMessage><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
        code: 'doctype-forbidden',
        message: /DOCTYPE/,
      },
      {
        title: 'external entity (XXE)',
        xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><WorkpointMessage><Message nonce="&xxe;"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
        code: 'doctype-forbidden',
        message: /DOCTYPE/,
      },
      {
        title: '<!ENTITY without DOCTYPE',
        xml: `<WorkpointMessage><!ENTITY x "y"><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
        code: 'doctype-forbidden',
        message: /ENTITY/,
      },
      {
        title: 'DOCTYPE in a Buffer',
        xml: Buffer.from('<!DOCTYPE a><WorkpointMessage/>', 'utf8'),
        code: 'doctype-forbidden',
        message: /DOCTYPE/,
      },
      ...['abc', '-1', '1.5', '', '1e3', '0x10', '+2', '99999999999999999999'].map((index) => ({
        title: `index="${index}"`,
        xml: phone(`nonce="${NONCE}"`, `<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="e164">1</Item><Item name="function-key-def" index="${index}">1</Item></ItemList>`),
        code: 'bad-attribute' as const,
        message: /Item #2 \(name "function-key-def"\) has index ".*", expected a non-negative decimal integer/,
      })),
      {
        title: 'Item without name',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item>1</Item></ItemList>'),
        code: 'bad-attribute',
        message: /Item #1 in ItemList has no name/,
      },
      {
        title: 'Item with an empty name',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a">1</Item><Item name=" " index="1">1</Item></ItemList>'),
        code: 'bad-attribute',
        message: /Item #2 in ItemList has no name/,
      },
      { title: 'maxItems not a number', xml: phone(`nonce="${NONCE}" maxItems="all"`, '<ReasonForContact>start-up</ReasonForContact>'), code: 'bad-attribute', message: /maxItems "all"/ },
      { title: 'maxItems below -1', xml: phone(`nonce="${NONCE}" maxItems="-2"`, '<ReasonForContact>start-up</ReasonForContact>'), code: 'bad-attribute', message: /maxItems "-2"/ },
      {
        title: 'unknown fragment value',
        xml: phone(`nonce="${NONCE}" fragment="more"`, '<ReasonForContact action="ReadItems" status="accepted">reply-to</ReasonForContact>'),
        code: 'bad-attribute',
        message: /fragment "more"/,
      },
      {
        title: 'reply-to without action',
        xml: phone(`nonce="${NONCE}"`, '<ReasonForContact status="accepted">reply-to</ReasonForContact>'),
        code: 'bad-attribute',
        message: /reply-to.*no action/,
      },
      { title: 'nonce of 129 characters', xml: phone(`nonce="${'F'.repeat(129)}"`, START_UP), code: 'bad-nonce', message: /^nonce is 129 characters long, limit 128$/ },
      { title: 'nonce of 5000 characters', xml: phone(`nonce="${'F'.repeat(5000)}"`, START_UP), code: 'bad-nonce', message: /5000 characters long, limit 128/ },
      ...(
        [
          ['a line feed as a character reference', 'AB&#10;CD'],
          ['DEL as a character reference', 'AB&#127;CD'],
          ['a raw tab', 'AB\tCD'],
          ['a space', 'AB CD'],
          ['NEL (U+0085)', 'AB\u0085CD'],
          ['a non-ASCII letter', 'ABüCD'],
          ['an emoji', 'AB📞CD'],
        ] as const
      ).map(([what, nonce]) => ({
        title: `nonce with ${what}`,
        xml: Buffer.from(phone(`nonce="${nonce}"`, START_UP), 'utf8'),
        code: 'bad-nonce' as const,
        // The refusal never quotes the nonce: it is attacker-chosen text.
        message: /^nonce contains a character outside printable ASCII \(0x21-0x7E\)$/,
      })),
      {
        title: 'more elements than the pre-scan allows',
        xml: phone(`nonce="${NONCE}"`, `${START_UP}<ItemList>${'<I/>'.repeat(DEFAULT_SCAN_LIMITS.maxElements)}</ItemList>`),
        code: 'too-many-elements',
        message: /more than 2048 elements/,
      },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      const error = parseError(testCase.xml);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('WpiParseError');
      expect(error.code).toBe(testCase.code);
      expect(error.message).toMatch(testCase.message);
    });

    it('rejects the billion-laughs document before any XML processing, so nothing is expanded', () => {
      const validate = jest.spyOn(XMLValidator, 'validate');
      const parse = jest.spyOn(XMLParser.prototype, 'parse');
      try {
        expect(parseError(BILLION_LAUGHS).code).toBe('doctype-forbidden');
        expect(validate).not.toHaveBeenCalled();
        expect(parse).not.toHaveBeenCalled();
      } finally {
        validate.mockRestore();
        parse.mockRestore();
      }
    });
  });

  describe('nonce', () => {
    it.each([
      ['32 upper-case hex characters, as phones send', NONCE],
      ['the 23 lower-case hex characters of the oldest guide example', 'ab15234de14f15a667c6f8d'],
      ['exactly the limit', 'F'.repeat(MAX_NONCE_LENGTH)],
      ['every printable ASCII character but the quote', '!#$%()*+,-./0123456789:;=?@[]^_`{|}~'],
    ])('accepts %s', (_what, nonce) => {
      expect(parseWorkpointMessage(phone(`nonce="${nonce}"`, START_UP)).nonce).toBe(nonce);
    });

    it('refuses an over-long nonce before any interaction state could keep it (the error is all the caller gets)', () => {
      expect(() => parseWorkpointMessage(phone(`nonce="${'A'.repeat(MAX_NONCE_LENGTH + 1)}"`, START_UP))).toThrow(WpiParseError);
    });
  });

  describe('pre-scan', () => {
    const items = (count: number) => Array.from({ length: count }, (_, i) => `<Item name="k${i}">v</Item>`).join('');

    it('refuses a document over the element cap before validating or parsing it', () => {
      const validate = jest.spyOn(XMLValidator, 'validate');
      try {
        const error = parseError(phone(`nonce="${NONCE}"`, `${START_UP}<ItemList>${items(DEFAULT_SCAN_LIMITS.maxElements)}</ItemList>`));
        expect(error.code).toBe('too-many-elements');
        expect(validate).not.toHaveBeenCalled();
      } finally {
        validate.mockRestore();
      }
    });

    it('takes caps from the caller', () => {
      const xml = phone(`nonce="${NONCE}"`, `${START_UP}<ItemList>${items(10)}</ItemList>`);
      expect(parseWorkpointMessage(xml).items).toHaveLength(10);
      expect(() => parseWorkpointMessage(xml, { ...DEFAULT_SCAN_LIMITS, maxAttributes: 10 })).toThrow(/more than 10 attributes/);
    });
  });

  describe('a 200-item ReadAllItems reply', () => {
    const sample = largeReadAllItemsReply(NONCE);
    const parsed = parseWorkpointMessage(sample.xml);

    it('parses to exactly the items written, in order', () => {
      expect(parsed.items).toHaveLength(200);
      expect(parsed).toEqual(sample.expected);
    });

    it.each([
      ['function-key-def', [1, 2, 3, 4, 5, 6, 7, 8, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]],
      ['codec-rank', [1, 2, 3]],
      ['trace-level', Array.from({ length: 42 }, (_unused, index) => index)],
    ])('keeps every index of %s', (name, indexes) => {
      expect(parsed.items.filter((item) => item.name === name).map((item) => item.index)).toEqual(indexes);
    });

    it('keeps 66 distinct locked-config-menus indexes', () => {
      const indexes = parsed.items.filter((item) => item.name === 'locked-config-menus').map((item) => item.index);
      expect(new Set(indexes).size).toBe(66);
      expect(Math.min(...(indexes as number[]))).toBe(1);
      expect(Math.max(...(indexes as number[]))).toBe(66);
    });

    it('decodes the escaped display name', () => {
      expect(parsed.items.find((item) => item.name === 'display-id-unicode')?.value).toBe('Jürgen Müller & Söhne');
    });
  });
});
