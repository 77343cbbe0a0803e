import type { PhoneConfigState, PhoneFactsInput, StoredItem, StoredProfile } from '@workpoint/configuration';
import { isSecretItem } from '@workpoint/logging';
import { fullItemSet, macAddress, SIEMENS_OUI } from '@workpoint/phone-sim';
import { itemRef } from '@workpoint/wpi-codec';

/**
 * A fleet as an operator would set it up, for the configuration measurements: 3 sites with
 * template fields, a fleet profile of ~40 items (one secret, templates), a profile per site,
 * two model profiles, five tag profiles with 8 function keys of 4 items each, a phone-layer
 * profile, and per-phone overrides on every fifth phone. Everything is a pure function of the
 * phone's number, so two runs measure the same fleet.
 */

/** A profile as POST /api/v1/profiles takes it. */
export interface ProfileInput {
  name: string;
  layer: 'fleet' | 'site' | 'model' | 'group' | 'phone';
  selector?: string;
  priority?: number;
  mergeIndexedGroups?: boolean;
  items: ItemInput[];
}

export interface ItemInput {
  name: string;
  index?: number;
  value: string | null;
}

export interface FleetSite {
  name: string;
  fields: Record<string, string>;
}

/** One phone of the fleet: its assignment and what it reports. */
export interface FleetPhone {
  mac: string;
  e164: string;
  deviceType: string;
  softwareVersion: string;
  site: string;
  tags: string[];
  user: string;
  profiles: string[];
  overrides: ItemInput[];
}

export const FLEET_SITES: readonly FleetSite[] = [
  { name: 'muc', fields: { registrar: '10.20.0.10', ntp: 'ntp.muc.example.net', 'area-code': '89' } },
  { name: 'ber', fields: { registrar: '10.20.1.10', ntp: 'ntp.ber.example.net', 'area-code': '30' } },
  { name: 'ham', fields: { registrar: '10.20.2.10', ntp: 'ntp.ham.example.net', 'area-code': '40' } },
];

export const FLEET_TAGS = ['reception', 'sales', 'support', 'warehouse', 'management'] as const;

/** Device types with their share of the fleet (per cent, cumulative) and firmware. */
const DEVICE_TYPES: ReadonlyArray<readonly [number, string, string]> = [
  [40, 'OpenScape Desk Phone CP600', 'V1 R5.3.0'],
  [70, 'OpenStage 60', 'V3 R5.12.0'],
  [90, 'OpenScape Desk Phone CP400', 'V1 R5.3.0'],
  [100, 'OpenStage 40', 'V3 R5.12.0'],
];

export const VIP_PROFILE = 'vip';

const item = (name: string, value: string | null, index?: number): ItemInput => (index === undefined ? { name, value } : { name, index, value });

/** ~40 items every phone gets; values mostly the factory ones phones report, some not. */
function fleetItems(): ItemInput[] {
  const plain: Array<[string, string]> = [
    ['admin-pwd', '73829104'],
    ['sip-user-id', '{{e164}}'],
    ['display-id', 'Ext {{e164}}'],
    ['reg-port', '5060'],
    ['reg-ttl', '3600'],
    ['register-by-name', 'false'],
    ['registrar-port', '5060'],
    ['realm', 'workpoint.test'],
    ['server-type', '0'],
    ['session-timer', 'true'],
    ['session-duration', '3600'],
    ['default-domain', 'workpoint.test'],
    ['outbound-proxy', 'true'],
    ['sip-transport', '0'],
    ['transaction-timer', '32000'],
    ['registration-backoff-timer', '60'],
    ['phone-port', '5060'],
    ['rtp-base-port', '5010'],
    ['dhcp', 'true'],
    ['lldp-enabled', 'true'],
    ['vlan-method', '1'],
    ['qos-layer2', 'true'],
    ['l2qos-voice', '5'],
    ['l2qos-signalling', '3'],
    ['qos-layer3', 'true'],
    ['l3qos-voice', '46'],
    ['l3qos-signalling', '26'],
    ['daylight-save', 'true'],
    ['auto-daylight-save', 'true'],
    ['min-admin-passw-length', '8'],
    ['enable-WBM', 'true'],
    ['ssh-enable', 'false'],
    ['usb-access-enabled', 'false'],
    ['dls-contact-interval', '300'],
    ['call-waiting-enabled', 'true'],
    ['call-log-enabled', 'true'],
    ['voice-mail-e164', '8000'],
  ];
  const codecs = [1, 2].flatMap((index) => [item('codec-type', String(index - 1), index), item('codec-rank', String(index), index)]);
  return [...plain.map(([name, value]) => item(name, value)), ...codecs];
}

/** Eight keys of 4 items each: a BLF key watching a colleague, templated with the site's registrar. */
function functionKeys(tag: string, first: number): ItemInput[] {
  return Array.from({ length: 8 }, (_, k) => first + k).flatMap((index) => [
    item('function-key-def', '59', index),
    item('key-label', `${tag} ${index}`, index),
    item('stimulus-led-control-uri', `sip:${2000 + index}@{{site.registrar}}`, index),
    item('blf-audible', 'false', index),
  ]);
}

export function fleetProfiles(): ProfileInput[] {
  return [
    { name: 'fleet', layer: 'fleet', items: fleetItems() },
    ...FLEET_SITES.map(
      (site): ProfileInput => ({
        name: `site-${site.name}`,
        layer: 'site',
        selector: site.name,
        items: [
          item('reg-addr', '{{site.registrar}}'),
          item('registrar-addr', '{{site.registrar}}'),
          item('sgnl-gateway-addr', '{{site.registrar}}'),
          item('sntp-addr', '{{site.ntp}}'),
          item('sntp-tz-offset', '60'),
          item('Canonical-dialing-local-area-code', '{{site.area-code}}'),
        ],
      }),
    ),
    {
      name: 'model-cp600',
      layer: 'model',
      selector: 'OpenScape Desk Phone CP600',
      items: [item('display-skin', '1'), item('screensaver-enabled', 'true'), item('ringer-melody', '3'), item('inactivity-timeout', '60')],
    },
    { name: 'model-os60', layer: 'model', selector: 'OpenStage 60', items: [item('display-skin', '0'), item('ringer-melody', '2'), item('inactivity-timeout', '30')] },
    // The last tag merges its keys into those of an earlier tag; the others replace the whole family.
    ...FLEET_TAGS.map(
      (tag, i): ProfileInput => ({
        name: `tag-${tag}`,
        layer: 'group',
        selector: tag,
        priority: i,
        ...(tag === 'management' ? { mergeIndexedGroups: true, items: functionKeys(tag, 5) } : { items: functionKeys(tag, 1) }),
      }),
    ),
    {
      name: VIP_PROFILE,
      layer: 'phone',
      mergeIndexedGroups: true,
      items: [item('auto-answer', 'true'), item('ringer-melody', '6'), item('function-key-def', '30', 1), item('key-label', 'Assistant', 1), item('select-dial', '{{e164}}', 1)],
    },
  ];
}

/** The profile set in words, for the report. */
export function describeProfileSet(profiles: readonly ProfileInput[]): string {
  const count = (layer: ProfileInput['layer']) => profiles.filter((p) => p.layer === layer);
  const items = (list: readonly ProfileInput[]) => [...new Set(list.map((p) => p.items.length))].join('/');
  const parts = (['fleet', 'site', 'model', 'group', 'phone'] as const).map((layer) => `${count(layer).length} ${layer} (${items(count(layer))} items)`);
  const secrets = profiles.flatMap((p) => p.items).filter((i) => isSecretItem(i.name)).length;
  return `${parts.join(', ')}; overrides on every 5th phone; templates {{e164}}, {{site.x}}; ${secrets} secret item(s), sealed`;
}

/** First NIC of the effective-configuration phones, in-process and over the API: the same phones, so both must come to the same answers. */
export const EFFECTIVE_NIC_BASE = 0x100000;

/** Cheap, stable spread of phone numbers over attributes (Knuth's multiplicative hash). */
const spread = (i: number, salt: number) => (Math.imul(i + salt, 2654435761) >>> 0) % 100;

export function fleetPhone(i: number, nicBase: number): FleetPhone {
  const share = spread(i, 0);
  const [, deviceType, softwareVersion] = DEVICE_TYPES.find(([upTo]) => share < upTo)!;
  const first = FLEET_TAGS[i % FLEET_TAGS.length]!;
  const second = spread(i, 1) < 30 ? FLEET_TAGS[(i + 2) % FLEET_TAGS.length]! : undefined;
  return {
    mac: macAddress(SIEMENS_OUI, nicBase + i),
    e164: `+4989${String(7_000_000 + i).padStart(8, '0')}`,
    deviceType,
    softwareVersion,
    site: FLEET_SITES[i % FLEET_SITES.length]!.name,
    tags: second ? [first, second] : [first],
    user: `user${String(i).padStart(6, '0')}`,
    profiles: i % 20 === 0 ? [VIP_PROFILE] : [],
    overrides: i % 5 === 0 ? [item('key-label', 'My line', 2), item('ringer-tone-sequence', '2')] : [],
  };
}

// ── the same fleet as the configuration library holds it (in-process measurement) ──

const STORED_AT = '2025-01-01T00:00:00.000Z';

/**
 * The profiles as POST /api/v1/profiles stores them: defaults filled in, and every item the
 * library counts as secret (`isSecretItem`, the rule its storeItems applies) sealed, never kept
 * in clear, so computing a phone's configuration opens them as the service does.
 */
export function storedProfiles(profiles: readonly ProfileInput[], seal: (plain: string) => string): StoredProfile[] {
  const stored = (item: ItemInput): StoredItem => {
    const base = itemRef(item);
    return isSecretItem(item.name) && item.value !== null ? { ...base, sealed: seal(item.value) } : { ...base, value: item.value };
  };
  return profiles.map((p) => ({
    id: `bench-${p.name}`,
    name: p.name,
    description: null,
    layer: p.layer,
    selector: p.selector ?? null,
    priority: p.priority ?? 0,
    extends: [],
    mergeIndexedGroups: p.mergeIndexedGroups ?? false,
    items: p.items.map(stored),
    version: 1,
    createdAt: STORED_AT,
    updatedAt: STORED_AT,
    updatedBy: 'bench',
  }));
}

/**
 * A phone as configuration management reads it from its row: the assignment (no model: the
 * phone reports its device type), what it reported (its number without the `+`, as phones
 * send it) and its site's template fields.
 */
export function phoneFactsInput(phone: FleetPhone): PhoneFactsInput {
  const site = FLEET_SITES.find((s) => s.name === phone.site);
  return {
    mac: phone.mac,
    assignment: { e164: phone.e164, model: null, site: phone.site, tags: phone.tags, userName: phone.user, profiles: phone.profiles, overrides: phone.overrides },
    reported: { deviceType: phone.deviceType, e164: phone.e164.replace(/^\+/, '') },
    ...(site ? { siteFields: site.fields } : {}),
  };
}

/** After a full report and before any write: what it reports, nothing applied, no faults. */
export function reportedState(phone: FleetPhone, itemCount: number): PhoneConfigState {
  return { observed: reportedItems(phone, itemCount), applied: {}, faults: {} };
}

/**
 * What configuration management keeps of a phone's full report (`observed`): item key → value,
 * secrets and items the phone refused to report left out, as after a ReadAllItems.
 */
export function reportedItems(phone: Pick<FleetPhone, 'mac' | 'e164' | 'deviceType' | 'softwareVersion'>, itemCount: number): Record<string, string | null> {
  const observed: Record<string, string | null> = {};
  for (const reported of fullItemSet({ mac: phone.mac, e164: phone.e164.replace(/^\+/, ''), deviceType: phone.deviceType, softwareVersion: phone.softwareVersion, itemCount })) {
    if (isSecretItem(reported.name) || reported.status !== undefined) continue;
    observed[reported.index === undefined ? reported.name : `${reported.name}[${reported.index}]`] = reported.value;
  }
  return observed;
}
