import type { DlsMessage, WorkpointMessage } from './wpi-types';
import { buildDlsMessage } from './dls-message.builder';
import { buildWorkpointMessage } from './workpoint-message.builder';
import { parseDlsMessage } from './dls-message.parser';
import { parseWorkpointMessage } from './workpoint-message.parser';
import { PHONE_SAMPLES, SERVICE_SAMPLES, largeReadAllItemsReply } from './testing/samples';

// Values a naive string builder or a double-decoding parser would get wrong.
const TRICKY_VALUES = [
  'R&D',
  '<script>alert(1)</script>',
  'a < b > c',
  `"double" and 'single' quotes`,
  '&amp; written literally',
  '&#65; written literally',
  ']]> ends CDATA',
  'Jürgen Müller, Straße, Zürich',
  '日本語 ☎ 📞',
  'line 1\nline 2\n\tindented',
  '0',
  '00123',
];

describe('round trips', () => {
  describe('buildWorkpointMessage → parseWorkpointMessage', () => {
    const messages: Array<[string, WorkpointMessage]> = [
      ...PHONE_SAMPLES.map((sample): [string, WorkpointMessage] => [sample.title, sample.expected]),
      ['200-item ReadAllItems reply', largeReadAllItemsReply('0123456789ABCDEF0123456789ABCDEF').expected],
      [
        'tricky values, names and attributes',
        {
          // Printable ASCII only: the parser refuses anything else in a nonce (bad-nonce).
          nonce: `n&<>"'`,
          maxItems: 7,
          fragment: 'next',
          reason: 'reply-to',
          replyTo: { action: 'Read&Items', status: `"odd" <status>` },
          items: TRICKY_VALUES.map((value, index) => ({ name: `item-${index}&<"'>`, index, value, status: `st&tus ${index}` })),
        },
      ],
    ];

    it.each(messages)('%s', (_title, message) => {
      expect(parseWorkpointMessage(buildWorkpointMessage(message))).toEqual(message);
    });

    it('survives the trip through UTF-8 bytes', () => {
      const message: WorkpointMessage = {
        nonce: 'ABC',
        maxItems: -1,
        reason: 'local-changes',
        items: [{ name: 'display-id-unicode', value: 'Grüße 📞' }],
      };
      expect(parseWorkpointMessage(Buffer.from(buildWorkpointMessage(message), 'utf8'))).toEqual(message);
    });
  });

  describe('buildDlsMessage → parseDlsMessage', () => {
    const messages: Array<[string, DlsMessage]> = [
      ...SERVICE_SAMPLES.map((sample): [string, DlsMessage] => [sample.title, sample.expected]),
      [
        'tricky values and names',
        {
          // Printable ASCII only: the parser refuses anything else in a nonce (bad-nonce).
          nonce: `n&<>"'`,
          action: 'WriteItems',
          items: TRICKY_VALUES.map((value, index) => ({ name: `item-${index}&<"'>`, index, value })),
        },
      ],
      [
        'every action',
        { nonce: 'N', action: 'SoftwareDeployment', items: [{ name: 'file-sw-version', value: 'V3 R5.12.0' }, { name: 'file-priority', value: 'immediate' }] },
      ],
    ];

    it.each(messages)('%s', (_title, message) => {
      expect(parseDlsMessage(buildDlsMessage(message, { comment: 'round trip' }))).toEqual(message);
    });

    it('reads a message without items back with an empty item list', () => {
      expect(parseDlsMessage(buildDlsMessage({ nonce: 'N', action: 'Restart' }))).toEqual({ nonce: 'N', action: 'Restart', items: [] });
    });
  });
});
