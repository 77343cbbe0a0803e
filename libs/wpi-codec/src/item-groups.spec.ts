import type { WpiItem } from './wpi-types';
import { relatedGroupKey } from './item-groups';

const item = (name: string, index?: number): WpiItem => (index === undefined ? { name, value: 'x' } : { name, index, value: 'x' });

/**
 * Every item items.json marks `indexed: true` (99 of them), by the unit we expect it in.
 * `own` = its name is its family. Kept complete so a change of the table in item-groups.ts
 * cannot silently move a catalogue item.
 */
const CATALOGUE_INDEXED: Readonly<Record<string, readonly string[]>> = {
  'function-key': [
    'function-key-def',
    'key-label',
    'key-label-unicode',
    'locked-function-keys',
    'select-dial',
    'repertory-dial',
    'key-deflect-destination',
    'stimulus-feature-code',
    'stimulus-led-control-uri',
    'stimulus-DTMF-sequence',
    'blf-audible',
    'blf-popup',
    'FPK-app-name',
    'key-functionality',
    'send-url-address',
    'send-url-protocol',
    'send-url-port',
    'send-url-path',
    'send-url-query',
    'send-url-method',
    'send-url-user-id',
    'send-url-passwd',
    'forwarding-type',
    'forwarding-dest',
    'line-short-desc',
    'line-short-desc-unicode',
    'line-primary',
    'line-hunt-sequence',
    'line-ring-delay',
    'line-hot-line-warm-line',
    'line-hld',
    'line-hld-active',
    'line-sip-uri',
    'line-sip-realm',
    'line-sip-user-id',
    'line-sip-pwd',
    'line-shared-type',
    'line-hidden',
    'line-int-allow',
    'line-mlo-pos',
  ],
  'xml-app': [
    'XML-app-action',
    'XML-app-special-instance',
    'XML-app-control-key',
    'XML-app-display-name',
    'XML-app-name',
    'XML-app-server-addr',
    'XML-app-server-port',
    'XML-app-transport',
    'XML-app-program-name',
    'XML-app-proxy-enabled',
    'XML-app-remote-debug',
    'XML-app-debug-prog-name',
    'XML-app-num-tabs',
    'XML-app-tab1-name',
    'XML-app-tab1-display-name',
    'XML-app-tab2-name',
    'XML-app-tab2-display-name',
    'XML-app-tab3-name',
    'XML-app-tab3-display-name',
    'XML-app-auto-start',
    'XML-app-all-tabs-start',
    'XML-app-restart',
    'XML-app-enabled',
  ],
  file: [
    'file-server',
    'file-port',
    'file-username',
    'file-pwd',
    'file-path',
    'file-name',
    'file-https-base-url',
    'file-type',
    'file-action',
  ],
  'stored-file': [
    'file-deployment-status',
    'file-deployment-date',
    'file-deployment-time',
    'file-deployment-name',
    'file-deployment-type',
  ],
  codec: ['codec-type', 'codec-allowed', 'codec-packet-size', 'codec-rank'],
  'canonical-lookup': ['Canonical-lookup-local-code', 'Canonical-lookup-international-code'],
  'secure-mode': ['dls-server-ca'],
  own: [
    'alert',
    'locked-config-menus',
    'locked-local-function-menus',
    'userdata-vu1',
    'userdata-call-log',
    'userdata-ring-tone',
    'userdata-phonebook',
    'userdata-call-group',
    'userdata-voice-record',
    'userdata-picture',
    'userdata-ring-tone-mp3',
    'userdata-screensaver',
    'userdata-ldap',
    'trace-level',
    'feature-availability',
  ],
};

const catalogueCases = Object.entries(CATALOGUE_INDEXED).flatMap(([family, names]) =>
  names.map((name): [string, string] => {
    if (family === 'own') {
      return [name, `${name}[7]`];
    }
    return [name, family === 'secure-mode' ? 'secure-mode' : `${family}[7]`];
  }),
);

describe('relatedGroupKey', () => {
  it('covers all 99 indexed items of items.json', () => {
    expect(new Set(catalogueCases.map(([name]) => name)).size).toBe(99);
  });

  it.each(catalogueCases)('puts indexed %s (index 7) into %s', (name, expected) => {
    expect(relatedGroupKey(item(name, 7))).toBe(expected);
  });

  describe('indexed families', () => {
    it.each([
      ['function-key-def[1] and key-label-unicode[1]: one key', item('function-key-def', 1), item('key-label-unicode', 1), true],
      ['function-key-def[1] and select-dial[1]: one key', item('function-key-def', 1), item('select-dial', 1), true],
      ['a line key and its line settings share the key number (§7.4)', item('function-key-def', 5), item('line-sip-uri', 5), true],
      ['a BLF key and its monitored URI', item('blf-popup', 301), item('stimulus-led-control-uri', 301), true],
      ['a send-URL key and its fixed-key switch (GS5 index 4002)', item('send-url-address', 4002), item('key-functionality', 4002), true],
      ['key 1 and its shifted level 1001 are different keys', item('function-key-def', 1), item('function-key-def', 1001), false],
      ['keys 1 and 2', item('key-label', 1), item('key-label', 2), false],
      ['XML-app-name[2] and XML-app-server-addr[2]: one slot', item('XML-app-name', 2), item('XML-app-server-addr', 2), true],
      ['XML apps in slots 1 and 2', item('XML-app-name', 1), item('XML-app-name', 2), false],
      ['file-name[2] and file-action[2]: one file', item('file-name', 2), item('file-action', 2), true],
      ['files 1 and 2 of a multi-file deployment', item('file-name', 1), item('file-name', 2), false],
      ['a file to deploy and the stored-file report with the same index', item('file-name', 1), item('file-deployment-name', 1), false],
      ['codec-type[2] and codec-rank[2]: one codec slot', item('codec-type', 2), item('codec-rank', 2), true],
      ['codec slots 1 and 2', item('codec-type', 1), item('codec-type', 2), false],
      ['a canonical lookup row', item('Canonical-lookup-local-code', 6), item('Canonical-lookup-international-code', 6), true],
      ['key 1 and XML slot 1', item('function-key-def', 1), item('XML-app-name', 1), false],
      ['file 1 and codec 1', item('file-name', 1), item('codec-type', 1), false],
      ['trace-level[3] and trace-level[4]', item('trace-level', 3), item('trace-level', 4), false],
      ['trace-level[3] and locked-config-menus[3]', item('trace-level', 3), item('locked-config-menus', 3), false],
    ])('%s', (_title, a, b, together) => {
      expect(relatedGroupKey(a) === relatedGroupKey(b)).toBe(together);
    });
  });

  describe('exact keys', () => {
    it.each([
      ['an indexed item outside every family travels alone', item('trace-level', 3), 'trace-level[3]'],
      ['index 0 is an index', item('trace-level', 0), 'trace-level[0]'],
      ['a plain setting is its own unit', item('sntp-addr'), 'sntp-addr'],
      ['a non-indexed blf-* item is a global setting', item('blf-code'), 'blf-code'],
      ['a non-indexed line-* item is a global setting', item('line-button-mode'), 'line-button-mode'],
      ['a non-indexed key-* item is a global setting', item('key-modules'), 'key-modules'],
      ['file-name of a single-file deployment', item('file-name'), 'file'],
      ['file-https-base-url of a single-file deployment', item('file-https-base-url'), 'file'],
      ['file-sw-version of a SoftwareDeployment', item('file-sw-version'), 'file'],
      ['file-priority', item('file-priority'), 'file'],
      ['an unknown non-indexed file-* item (catalogue gap, §7.3)', item('file-account'), 'file'],
      ['a non-indexed stored-file report is not a transfer item', item('file-deployment-status'), 'file-deployment-status'],
      ['an unknown send-url-* item still belongs to its key', item('send-url-timeout', 9), 'function-key[9]'],
      ['an unknown XML-app-* item still belongs to its slot', item('XML-app-tab4-name', 3), 'xml-app[3]'],
      ['names are case-sensitive: xml-app-name is not an XML-app item', item('xml-app-name', 3), 'xml-app-name[3]'],
      ['keysets are not keys', item('keyset-use-focus', 1), 'keyset-use-focus[1]'],
      ['goto-secure-mode', item('goto-secure-mode'), 'secure-mode'],
      ['dls-client-certificate', item('dls-client-certificate'), 'secure-mode'],
      ['dls-server-ca[0]', item('dls-server-ca', 0), 'secure-mode'],
      ['dls-server-ca[1] goes with the other CAs of the bootstrap', item('dls-server-ca', 1), 'secure-mode'],
      ['secure-mode-data (PIN mode)', item('secure-mode-data'), 'secure-mode'],
      ['max-pin-retries', item('max-pin-retries'), 'secure-mode'],
      ['dls-secure-port', item('dls-secure-port'), 'secure-mode'],
      ['restart-type', item('restart-type'), 'restart'],
      ['restart-password', item('restart-password'), 'restart'],
    ])('%s', (_title, wpiItem, expected) => {
      expect(relatedGroupKey(wpiItem)).toBe(expected);
    });
  });

  it('ignores value and status', () => {
    expect(relatedGroupKey({ name: 'key-label', index: 4, value: null, status: 'failed' })).toBe(
      relatedGroupKey({ name: 'key-label', index: 4, value: 'Mailbox' }),
    );
  });
});
