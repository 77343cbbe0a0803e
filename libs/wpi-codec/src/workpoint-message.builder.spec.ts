import type { WorkpointMessage } from './wpi-types';
import { WpiBuildError, type WpiBuildErrorCode } from './wpi-build.error';
import { buildWorkpointMessage } from './workpoint-message.builder';

const NONCE = '4F6A1034A46B463F8D008DA09314040A';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const ROOT =
  '<WorkpointMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">';

function buildError(msg: WorkpointMessage): WpiBuildError {
  try {
    buildWorkpointMessage(msg);
  } catch (error: unknown) {
    if (error instanceof WpiBuildError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected buildWorkpointMessage to throw');
}

describe('buildWorkpointMessage', () => {
  it('writes a start-up the way the phone does (status and index before name)', () => {
    const xml = buildWorkpointMessage({
      nonce: NONCE,
      maxItems: -1,
      reason: 'start-up',
      items: [
        { name: 'device-type', value: 'OpenStage 60' },
        { name: 'user-pwd-unicode', value: null, status: 'failed' },
        { name: 'ldap-server-address', index: 1, value: 'ldap.example.com' },
        { name: 'Canonical-lookup-local-code', index: 6, value: '+49899', status: 'failed' },
      ],
    });
    expect(xml).toBe(
      [
        DECLARATION,
        ROOT,
        `  <Message nonce="${NONCE}" maxItems="-1">`,
        '    <ReasonForContact>start-up</ReasonForContact>',
        '    <ItemList>',
        '      <Item name="device-type">OpenStage 60</Item>',
        '      <Item status="failed" name="user-pwd-unicode"/>',
        '      <Item index="1" name="ldap-server-address">ldap.example.com</Item>',
        '      <Item status="failed" index="6" name="Canonical-lookup-local-code">+49899</Item>',
        '    </ItemList>',
        '  </Message>',
        '</WorkpointMessage>',
      ].join('\n'),
    );
  });

  it('writes a busy reply with fragment, action and status and no ItemList (§6.11)', () => {
    expect(
      buildWorkpointMessage({
        nonce: NONCE,
        maxItems: -1,
        fragment: 'final',
        reason: 'reply-to',
        replyTo: { action: 'WriteItems', status: 'busy' },
        items: [],
      }),
    ).toBe(
      [
        DECLARATION,
        ROOT,
        `  <Message nonce="${NONCE}" maxItems="-1" fragment="final">`,
        '    <ReasonForContact action="WriteItems" status="busy">reply-to</ReasonForContact>',
        '  </Message>',
        '</WorkpointMessage>',
      ].join('\n'),
    );
  });

  it('writes an empty ItemList for an all-OK WriteItems reply', () => {
    const xml = buildWorkpointMessage({
      nonce: NONCE,
      maxItems: 50,
      fragment: 'next',
      reason: 'reply-to',
      replyTo: { action: 'WriteItems', status: 'accepted' },
      items: [],
    });
    expect(xml.split('\n').slice(2, 5)).toEqual([
      `  <Message nonce="${NONCE}" maxItems="50" fragment="next">`,
      '    <ReasonForContact action="WriteItems" status="accepted">reply-to</ReasonForContact>',
      '    <ItemList/>',
    ]);
  });

  it('escapes specials in the reason, reply attributes and item statuses', () => {
    const xml = buildWorkpointMessage({
      nonce: NONCE,
      maxItems: -1,
      reason: 'reply-to',
      replyTo: { action: 'A&B', status: '"busy"' },
      items: [{ name: 'x', value: 'R&D', status: "it's <odd>" }],
    });
    expect(xml).toContain('<ReasonForContact action="A&amp;B" status="&quot;busy&quot;">reply-to</ReasonForContact>');
    expect(xml).toContain('<Item status="it&apos;s &lt;odd&gt;" name="x">R&amp;D</Item>');
  });

  describe('refuses', () => {
    const base: WorkpointMessage = { nonce: NONCE, maxItems: -1, reason: 'start-up', items: [] };
    const cases: ReadonlyArray<{ title: string; msg: WorkpointMessage; code: WpiBuildErrorCode }> = [
      { title: 'empty nonce', msg: { ...base, nonce: '' }, code: 'bad-nonce' },
      { title: 'nonce with a line break', msg: { ...base, nonce: 'A\r\nB' }, code: 'bad-nonce' },
      { title: 'maxItems -2', msg: { ...base, maxItems: -2 }, code: 'bad-max-items' },
      { title: 'fractional maxItems', msg: { ...base, maxItems: 2.5 }, code: 'bad-max-items' },
      { title: 'unknown fragment', msg: { ...base, fragment: 'more' as 'next' }, code: 'bad-fragment' },
      { title: 'blank reason', msg: { ...base, reason: ' ' }, code: 'bad-reason' },
      { title: 'reply-to with an empty action', msg: { ...base, reason: 'reply-to', replyTo: { action: '', status: 'accepted' } }, code: 'bad-reason' },
      { title: 'empty item status', msg: { ...base, items: [{ name: 'a', value: null, status: '' }] }, code: 'bad-item-status' },
      { title: 'item without name', msg: { ...base, items: [{ name: '', value: '1' }] }, code: 'bad-item-name' },
      { title: 'item value with a control character', msg: { ...base, items: [{ name: 'a', value: '\u0007' }] }, code: 'bad-item-value' },
    ];

    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      expect(buildError(testCase.msg).code).toBe(testCase.code);
    });
  });
});
