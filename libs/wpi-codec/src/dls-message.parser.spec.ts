import type { DlsMessage } from './wpi-types';
import { WpiParseError, type WpiParseErrorCode } from './wpi-parse.error';
import { parseDlsMessage } from './dls-message.parser';
import { SERVICE_SAMPLES } from './testing/samples';

const NONCE = 'D5AFD7A47752175FF354867D94A61AE0';
const NS = 'xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"';

function parseError(xml: string | Buffer): WpiParseError {
  try {
    parseDlsMessage(xml);
  } catch (error: unknown) {
    if (error instanceof WpiParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected parseDlsMessage to throw');
}

describe('parseDlsMessage', () => {
  describe('protocol.md examples', () => {
    it.each(SERVICE_SAMPLES.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
      expect(parseDlsMessage(sample.xml)).toEqual(sample.expected);
    });
  });

  describe('what phones evidently tolerate (§3.2 [B])', () => {
    const cases: ReadonlyArray<{ title: string; xml: string | Buffer; expected: DlsMessage }> = [
      {
        title: 'GS5/NODE root spelling DlsMessage, no declaration',
        xml: `<DlsMessage ${NS}><Message nonce="${NONCE}"><Action>WriteItems</Action><ItemList><Item name="sntp-addr">NULL</Item><Item name="alert" index="1">Intern^1^1^2</Item></ItemList></Message></DlsMessage>`,
        expected: {
          nonce: NONCE,
          action: 'WriteItems',
          items: [
            { name: 'sntp-addr', value: 'NULL' },
            { name: 'alert', index: 1, value: 'Intern^1^1^2' },
          ],
        },
      },
      {
        title: 'PGX: no namespace, ItemList next to Message instead of inside it',
        xml: `<DLSMessage>
  <Message nonce="${NONCE}">
    <Action>WriteItems</Action>
  </Message>
  <ItemList>
    <Item name="ssh-enable">true</Item>
    <Item name="ssh-password">Pentagrid</Item>
    <Item name="ssh-timer-connect">10</Item>
    <Item name="ssh-timer-session">60</Item>
  </ItemList>
</DLSMessage>`,
        expected: {
          nonce: NONCE,
          action: 'WriteItems',
          items: [
            { name: 'ssh-enable', value: 'true' },
            { name: 'ssh-password', value: 'Pentagrid' },
            { name: 'ssh-timer-connect', value: '10' },
            { name: 'ssh-timer-session', value: '60' },
          ],
        },
      },
      {
        title: 'PGX: action spelt Cleanup maps to CleanUp',
        xml: `<DLSMessage><Message nonce="${NONCE}"><Action>Cleanup</Action></Message></DLSMessage>`,
        expected: { nonce: NONCE, action: 'CleanUp', items: [] },
      },
      {
        title: 'guide p.34: foreign namespace; whitespace around the action',
        xml: `<DLSMessage xmlns="http://mydomain/provisioning"><Message nonce="${NONCE}"><Action>
          ReadAllItems
        </Action></Message></DLSMessage>`,
        expected: { nonce: NONCE, action: 'ReadAllItems', items: [] },
      },
      {
        title: 'namespace prefixes',
        xml: `<dls:DLSMessage xmlns:dls="http://www.siemens.com/DLS"><dls:Message nonce="${NONCE}"><dls:Action>ReadItems</dls:Action><dls:ItemList><dls:Item name="bootstrapping-tan"/></dls:ItemList></dls:Message></dls:DLSMessage>`,
        expected: { nonce: NONCE, action: 'ReadItems', items: [{ name: 'bootstrapping-tan', value: null }] },
      },
      {
        title: 'signed message (SIM capture): Signature element ignored, item status "secure" kept',
        xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${NONCE}">
    <Action>WriteItems</Action>
    <ItemList><Item name="e164" status="secure">4989722312</Item></ItemList>
  </Message>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo><ds:SignatureValue>c2lnbmF0dXJl</ds:SignatureValue></ds:Signature>
</DLSMessage>`,
        expected: { nonce: NONCE, action: 'WriteItems', items: [{ name: 'e164', value: '4989722312', status: 'secure' }] },
      },
      {
        title: 'escaped and non-ASCII values in a Buffer',
        xml: Buffer.from(
          `<DLSMessage><Message nonce="${NONCE}"><Action>WriteItems</Action><ItemList><Item name="display-id-unicode">M&#252;ller &amp; S&#246;hne</Item><Item name="key-label-unicode" index="1">Büro</Item></ItemList></Message></DLSMessage>`,
          'utf8',
        ),
        expected: {
          nonce: NONCE,
          action: 'WriteItems',
          items: [
            { name: 'display-id-unicode', value: 'Müller & Söhne' },
            { name: 'key-label-unicode', index: 1, value: 'Büro' },
          ],
        },
      },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      expect(parseDlsMessage(testCase.xml)).toEqual(testCase.expected);
    });
  });

  describe('rejections', () => {
    const cases: ReadonlyArray<{ title: string; xml: string; code: WpiParseErrorCode; message: RegExp }> = [
      { title: 'empty body', xml: '', code: 'empty-body', message: /empty/ },
      { title: 'not XML', xml: 'Internal Server Error', code: 'malformed-xml', message: /not well-formed/ },
      {
        title: 'mismatched tags',
        xml: `<DLSMessage><Message nonce="${NONCE}"><Action>CleanUp</Message></Action></DLSMessage>`,
        code: 'malformed-xml',
        message: /Action/,
      },
      {
        title: 'DOCTYPE',
        xml: `<!DOCTYPE DLSMessage [<!ENTITY a "CleanUp">]><DLSMessage><Message nonce="${NONCE}"><Action>&a;</Action></Message></DLSMessage>`,
        code: 'doctype-forbidden',
        message: /DOCTYPE/,
      },
      {
        title: 'a WorkpointMessage',
        xml: `<WorkpointMessage><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
        code: 'wrong-root',
        message: /<WorkpointMessage>.*<DLSMessage>/,
      },
      { title: 'an HTML error page', xml: '<html><body><h1>404</h1></body></html>', code: 'wrong-root', message: /<html>/ },
      { title: 'no Message', xml: '<DLSMessage><Action>CleanUp</Action></DLSMessage>', code: 'missing-message', message: /DLSMessage has no Message/ },
      { title: 'no nonce', xml: '<DLSMessage><Message><Action>CleanUp</Action></Message></DLSMessage>', code: 'missing-nonce', message: /nonce/ },
      { title: 'empty nonce', xml: '<DLSMessage><Message nonce=""><Action>CleanUp</Action></Message></DLSMessage>', code: 'missing-nonce', message: /nonce/ },
      { title: 'no Action', xml: `<DLSMessage><Message nonce="${NONCE}"><ItemList/></Message></DLSMessage>`, code: 'missing-action', message: /no Action/ },
      { title: 'empty Action', xml: `<DLSMessage><Message nonce="${NONCE}"><Action/></Message></DLSMessage>`, code: 'missing-action', message: /Action/ },
      { title: 'unknown action', xml: `<DLSMessage><Message nonce="${NONCE}"><Action>Reboot</Action></Message></DLSMessage>`, code: 'unknown-action', message: /"Reboot"/ },
      {
        title: 'two actions',
        xml: `<DLSMessage><Message nonce="${NONCE}"><Action>ReadAllItems</Action><Action>CleanUp</Action></Message></DLSMessage>`,
        code: 'duplicate-element',
        message: /2 Action elements/,
      },
      {
        title: 'ItemList both inside and outside Message',
        xml: `<DLSMessage><Message nonce="${NONCE}"><Action>WriteItems</Action><ItemList/></Message><ItemList/></DLSMessage>`,
        code: 'duplicate-element',
        message: /inside and outside/,
      },
      {
        title: 'bad index',
        xml: `<DLSMessage><Message nonce="${NONCE}"><Action>WriteItems</Action><ItemList><Item name="file-name" index="one">a</Item></ItemList></Message></DLSMessage>`,
        code: 'bad-attribute',
        message: /index "one"/,
      },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      const error = parseError(testCase.xml);
      expect(error.code).toBe(testCase.code);
      expect(error.message).toMatch(testCase.message);
    });

    it('quotes document text in messages cut short, as they end up in logs', () => {
      const error = parseError(`<DLSMessage><Message nonce="${NONCE}"><Action>${'X'.repeat(5000)}</Action></Message></DLSMessage>`);
      expect(error.code).toBe('unknown-action');
      expect(error.message).toBe(`Action "${'X'.repeat(64)}…" is not a WPI action`);
    });
  });
});
