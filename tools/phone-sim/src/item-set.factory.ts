import type { WpiItem } from '@workpoint/wpi-codec';
import { firmwareTraits } from './firmware-family.catalog';
import { resolvePhoneIdentity, type PhoneIdentityOptions, type ResolvedPhoneIdentity } from './phone.options';

// Item names and value shapes follow protocol.md §7 and the shared item catalogue. Values are
// plausible factory-ish settings; they vary with the MAC (seeded PRNG) so a service that mixes
// up two phones' data shows it, yet the same MAC always yields the same set so tests can
// predict what the service stores.

type Rng = () => number;

/** The identity items a phone sends with `start-up` (protocol.md §3.5, §7.1). */
export function basicItems(options: PhoneIdentityOptions): WpiItem[] {
  const id = resolvePhoneIdentity(options);
  return [
    plain('device-type', id.deviceType),
    plain('related-device-type', id.deviceType),
    plain('software-type', 'Siemens SIP'),
    plain('related-software-type', 'Siemens SIP'),
    plain('software-version', id.softwareVersion),
    plain('related-software-version', id.softwareVersion),
    plain('contact-me-uri', id.contactMeUri),
    plain('mac-addr', id.mac),
    plain('e164', id.e164),
    plain('basic-e164', id.e164),
    plain('configuration-changed-flag', String(id.configurationChanged)),
    plain('part-number', partNumberFor(id.deviceType)),
    plain('backlight-type', '1'),
    plain('sip-mobility-state', '0'),
    plain('mobility-enabled', 'false'),
    gigabitItem(id),
    // Write-only: phones report it as failed without a value (protocol.md §4.3).
    { name: 'user-pwd-unicode', value: null, status: 'failed' },
  ];
}

/**
 * What the phone sends in its `reply-to` to `ReadAllItems`: the basic items except `mac-addr`
 * (real phones leave it out of replies, so the service must correlate by cookie) followed by
 * settings: exactly `itemCount` items, but never fewer than those basic items.
 */
export function fullItemSet(options: PhoneIdentityOptions): WpiItem[] {
  const id = resolvePhoneIdentity(options);
  const rng = seededRng(id.mac);
  const items = basicItems(id).filter((item) => item.name !== 'mac-addr');
  const basicCount = items.length;
  // Sections are ordered so that the default 200 items hold every group the tests care about
  // (codecs, function keys on both levels, locked-config-menus) in full.
  const sections: Array<(id: ResolvedPhoneIdentity, rng: Rng) => WpiItem[]> = [
    registrationItems,
    networkItems,
    qosItems,
    timeItems,
    codecItems,
    functionKeyItems,
    lockedConfigMenuItems,
    audioItems,
    localeItems,
    canonicalDialingItems,
    securityItems,
    ldapItems,
    deploymentItems,
    featureItems,
    diagnosticsItems,
    lockedLocalFunctionMenuItems,
    keyModuleItems,
    lineKeyItems,
    xmlApplicationItems,
    canonicalLookupItems,
    traceLevelItems,
    featureAvailabilityItems,
  ];
  for (const section of sections) {
    if (items.length >= id.itemCount) break;
    items.push(...section(id, rng));
  }
  // `alert` has no documented upper index, so it pads arbitrarily large item sets.
  for (let index = 1; items.length < id.itemCount; index++) {
    items.push(indexed('alert', index, `Alert${index}^${1 + (index % 8)}^${1 + (index % 3)}^60`));
  }
  return items.slice(0, Math.max(id.itemCount, basicCount));
}

function registrationItems(id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  const registrar = `10.20.${pick(rng, [0, 1, 2])}.10`;
  return [
    plain('reg-addr', registrar),
    plain('reg-port', '5060'),
    plain('reg-ttl', String(pick(rng, [600, 1800, 3600]))),
    plain('register-by-name', 'false'),
    plain('registrar-addr', registrar),
    plain('registrar-port', '5060'),
    plain('reg-id', ''),
    plain('reg-number', ''),
    plain('sip-user-id', id.e164),
    plain('sip-name', ''),
    plain('realm', 'workpoint.test'),
    plain('server-type', '0'),
    plain('session-timer', 'false'),
    plain('session-duration', '3600'),
    plain('backup-addr', ''),
    plain('backup-registration', 'false'),
    plain('default-domain', 'workpoint.test'),
    plain('outbound-proxy', 'true'),
    plain('outbound-proxy-user', 'false'),
    plain('sip-transport', '0'),
    plain('sip-transport-user', '0'),
    plain('transaction-timer', '32000'),
    plain('transaction-timer-f', '32000'),
    plain('registration-backoff-timer', '60'),
    plain('sgnl-gateway-addr', registrar),
    plain('sgnl-gateway-port', '5060'),
    plain('sgnl-route', '0'),
    plain('sip-keepalive-method', '0'),
    plain('phone-port', '5060'),
    plain('rtp-base-port', '5010'),
  ];
}

function networkItems(id: ResolvedPhoneIdentity): WpiItem[] {
  const [, , , b3, b4, b5] = id.mac.split(':').map((b) => parseInt(b, 16));
  return [
    plain('dhcp', 'true'),
    plain('dhcp-reuse', 'false'),
    plain('ipv6-dhcp-enabled', 'false'),
    plain('ipaddress', `10.${b3}.${b4}.${(b5 % 254) + 1}`),
    plain('hostname', `os-${id.mac.replace(/:/g, '').toLowerCase()}`),
    plain('e164-hostname', 'false'),
    plain('lldp-enabled', 'true'),
    plain('vlan-method', '1'),
    plain('vlan-id', '0'),
    plain('port1', '0'),
    plain('port2', '0'),
    plain('port2-mode', '0'),
    plain('port2-auto-mdix-enabled', 'false'),
    plain('display-id', `Ext ${id.e164.slice(-4)}`),
  ];
}

function qosItems(): WpiItem[] {
  return [
    plain('qos-layer2', 'true'),
    plain('l2qos-voice', '5'),
    plain('l2qos-signalling', '3'),
    plain('l2qos-default', '0'),
    plain('qos-layer3', 'true'),
    plain('l3qos-voice', '46'),
    plain('l3qos-signalling', '26'),
  ];
}

function timeItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  return [
    plain('sntp-addr', 'pool.ntp.org'),
    plain('sntp-addr-backup', ''),
    plain('sntp-tz-offset', String(pick(rng, [0, 60, 120]))),
    plain('daylight-save', 'true'),
    plain('daylight-save-minutes', '60'),
    plain('auto-daylight-save', 'true'),
    plain('daylight-save-zone-id', '9'),
  ];
}

function codecItems(): WpiItem[] {
  const items: WpiItem[] = [];
  for (let index = 1; index <= 3; index++) {
    items.push(
      indexed('codec-type', index, String(index - 1)),
      indexed('codec-allowed', index, 'true'),
      indexed('codec-packet-size', index, '1'),
      indexed('codec-rank', index, String(index)),
    );
  }
  return items;
}

/** Keys 1..9 on the phone and 1001..1009 on the shifted level (protocol.md §7.5). */
function functionKeyItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  const items: WpiItem[] = [];
  for (const index of [...range(1, 9), ...range(1001, 1009)]) {
    const [code, label] = pick(rng, KEY_FUNCTIONS);
    items.push(indexed('function-key-def', index, code), indexed('key-label', index, label));
  }
  return items;
}

function lockedConfigMenuItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  return range(1, 66).map((index) => indexed('locked-config-menus', index, String(rng() < 0.1)));
}

function audioItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  return [
    plain('audio-silence-suppression', 'false'),
    plain('disable-microphone', 'false'),
    plain('loudspeech-enabled', 'true'),
    plain('ringer-melody', String(1 + Math.floor(rng() * 8))),
    plain('ringer-tone-sequence', String(1 + Math.floor(rng() * 3))),
    plain('ringer-audio-file', ''),
    plain('moh-enabled', 'true'),
  ];
}

function localeItems(): WpiItem[] {
  return [
    plain('country-iso', 'DE'),
    plain('language-iso', 'de'),
    plain('date-format', '0'),
    plain('time-format', '0'),
    plain('dial-plan-enabled', 'false'),
  ];
}

function canonicalDialingItems(): WpiItem[] {
  return [
    plain('Canonical-dialing-international-prefix', '00'),
    plain('Canonical-dialing-local-country-code', '49'),
    plain('Canonical-dialing-national-prefix', '0'),
    plain('Canonical-dialing-local-area-code', '89'),
    plain('Canonical-dialing-local-node', '7223'),
    plain('Canonical-dialing-external-access', '0'),
    plain('Canonical-dialing-operator-code', '0'),
    plain('Canonical-dialing-emergency-number', '112'),
    plain('Canonical-dialing-extension-initial-digits', '2'),
    plain('Canonical-dialing-dial-needs-access-code', '0'),
    plain('Canonical-dialing-dial-needs-intGWcode', '0'),
    plain('Canonical-dialing-min-local-number-length', '10'),
    plain('Canonical-dialing-dial-internal-form', '0'),
    plain('Canonical-dialing-dial-external-form', '0'),
  ];
}

function securityItems(): WpiItem[] {
  return [
    plain('min-admin-passw-length', '6'),
    plain('min-user-passw-length', '6'),
    plain('user-pwd-history', '0'),
    plain('passw-expiry-days', '0'),
    plain('pwd-retries', '3'),
    plain('passw-char-set', '0'),
    plain('default-passw-policy', 'true'),
    plain('enable-WBM', 'true'),
    plain('enable-test-interface', 'false'),
    plain('enable-bluetooth-interface', 'true'),
    plain('usb-access-enabled', 'true'),
    plain('usb-backup-enabled', 'false'),
    plain('ssh-enable', 'false'),
    plain('ssh-timer-connect', '5'),
    plain('ssh-timer-session', '30'),
    plain('default-locked-config-menus', 'false'),
    plain('default-locked-local-function-menus', 'false'),
    // Write-only like user-pwd-unicode.
    { name: 'admin-pwd-unicode', value: null, status: 'failed' },
  ];
}

function ldapItems(): WpiItem[] {
  return [
    plain('ldap-transport', '0'),
    plain('ldap-server-address', ''),
    plain('ldap-server-port', '389'),
    plain('ldap-authentication', '1'),
    plain('ldap-user', ''),
    plain('ldap-max-responses', '25'),
  ];
}

function deploymentItems(): WpiItem[] {
  return [
    plain('dls-addr', '127.0.0.1'),
    plain('dls-contact-interval', '300'),
    plain('dls-chunk-size', '5492'),
    plain('dls-mode-secure', '0'),
  ];
}

function featureItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  const flag = (probability: number): string => String(rng() < probability);
  return [
    plain('auto-answer', flag(0.1)),
    plain('beep-on-auto-answer', 'true'),
    plain('auto-reconnect', 'false'),
    plain('beep-on-auto-reconnect', 'true'),
    plain('permit-decline-call', 'true'),
    plain('transfer-on-ring', 'false'),
    plain('join-allowed-in-conference', 'true'),
    plain('call-waiting-enabled', flag(0.9)),
    plain('callback-busy-allow', 'true'),
    plain('callback-ring-allow', 'true'),
    plain('refuse-call', 'false'),
    plain('call-pickup-allowed', 'true'),
    plain('group-pickup-tone-allowed', 'true'),
    plain('group-pickup-as-ringer', 'false'),
    plain('group-pickup-alert-type', '0'),
    plain('server-based-features', 'false'),
    plain('server-based-forwarding', 'false'),
    plain('server-based-dnd', 'false'),
    plain('call-log-enabled', 'true'),
    plain('missed-logging', '0'),
    plain('missed-call-led', '0'),
    plain('mwi-e164', ''),
    plain('voice-mail-e164', pick(rng, ['', '8000', '8999'])),
    plain('emergency-e164', ''),
    plain('conference-factory-uri', ''),
    plain('pickup-group-uri', ''),
    plain('hot-line-warm-line', '0'),
    plain('hot-line-warm-line-digits', ''),
    plain('initial-digit-timer', '30'),
    plain('screensaver-enabled', 'false'),
    plain('display-skin', '0'),
    plain('inactivity-timeout', '30'),
  ];
}

function diagnosticsItems(): WpiItem[] {
  return [
    plain('snmp-trap-addr', ''),
    plain('snmp-trap-port', '162'),
    plain('snmp-traps-active', 'false'),
    plain('diagnostic-trap-addr', ''),
    plain('diagnostic-trap-port', '162'),
    plain('diagnostic-traps-active', 'false'),
    plain('diagnostic-snmp-active', 'false'),
    plain('qdc-collection-unit-addr', ''),
    plain('qdc-collection-unit-port', '12010'),
    plain('qdc-snmp-active', 'false'),
    plain('qdc-qcu-active', 'false'),
    plain('snmp-queries-allowed', 'false'),
  ];
}

function lockedLocalFunctionMenuItems(): WpiItem[] {
  return range(1, 10).map((index) => indexed('locked-local-function-menus', index, 'false'));
}

/** First key module: 301..312 and its shifted level 1301..1312. */
function keyModuleItems(_id: ResolvedPhoneIdentity, rng: Rng): WpiItem[] {
  const items: WpiItem[] = [];
  for (const index of [...range(301, 312), ...range(1301, 1312)]) {
    const [code, label] = pick(rng, KEY_FUNCTIONS);
    items.push(indexed('function-key-def', index, code), indexed('key-label', index, label));
  }
  return items;
}

function lineKeyItems(id: ResolvedPhoneIdentity): WpiItem[] {
  const items: WpiItem[] = [];
  for (const index of range(1, 2)) {
    items.push(
      indexed('line-sip-uri', index, index === 1 ? id.e164 : ''),
      indexed('line-primary', index, String(index === 1)),
      indexed('line-ring-delay', index, '0'),
      indexed('line-hidden', index, 'false'),
      indexed('line-short-desc', index, index === 1 ? id.e164.slice(-4) : ''),
    );
  }
  return items;
}

function xmlApplicationItems(): WpiItem[] {
  const items: WpiItem[] = [];
  for (const index of range(1, 3)) {
    items.push(
      indexed('XML-app-name', index, ''),
      indexed('XML-app-display-name', index, ''),
      indexed('XML-app-server-addr', index, ''),
      indexed('XML-app-server-port', index, '80'),
      indexed('XML-app-transport', index, '0'),
    );
  }
  return items;
}

function canonicalLookupItems(): WpiItem[] {
  return range(1, 50).flatMap((index) => [
    indexed('Canonical-lookup-local-code', index, ''),
    indexed('Canonical-lookup-international-code', index, ''),
  ]);
}

function traceLevelItems(): WpiItem[] {
  return range(0, 41).map((index) => indexed('trace-level', index, '0'));
}

function featureAvailabilityItems(): WpiItem[] {
  return range(1, 40).map((index) => indexed('feature-availability', index, 'true'));
}

/** The one basic item whose name depends on the firmware generation (protocol.md §7.1). */
export function gigabitItem(id: Pick<ResolvedPhoneIdentity, 'deviceType' | 'softwareVersion'>): WpiItem {
  return firmwareTraits(id.deviceType, id.softwareVersion).reportsGigabitEnabled
    ? plain('gigabit-ethernet-enabled', 'false')
    : { name: 'gigabit-ethernet', value: null, status: 'failed' };
}

// function-key-def codes from protocol.md §7.5 with the labels a user would give them.
const KEY_FUNCTIONS: ReadonlyArray<readonly [string, string]> = [
  ['0', ''],
  ['1', 'Reception'],
  ['10', 'Hold'],
  ['14', 'Deflect'],
  ['18', 'Shift'],
  ['25', 'DND'],
  ['29', 'Pickup'],
  ['30', 'Repdial'],
  ['59', 'BLF'],
  ['63', 'Door'],
];

// An empty value travels as `<Item name="x"/>` and reads back as null, so null it is: the
// set then equals what the service stores.
function plain(name: string, value: string): WpiItem {
  return { name, value: value === '' ? null : value };
}

function indexed(name: string, index: number, value: string): WpiItem {
  return { name, index, value: value === '' ? null : value };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function pick<T>(rng: Rng, choices: ReadonlyArray<T>): T {
  return choices[Math.floor(rng() * choices.length)];
}

/** Part numbers in the S30817 family the phones report (protocol.md §7.1). */
function partNumberFor(deviceType: string): string {
  const model = /(\d+)/.exec(deviceType)?.[1] ?? '60';
  return `S30817-S74${model.padStart(2, '0').slice(0, 2)}-A101-15`;
}

/** FNV-1a of the MAC seeding mulberry32: cheap, stable across Node versions. */
function seededRng(seed: string): Rng {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    state ^= seed.charCodeAt(i);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
