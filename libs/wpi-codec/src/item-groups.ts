import type { WpiItem } from './wpi-types';

/**
 * Which items must travel in the same service → phone message.
 *
 * protocol.md §3.4: when the service splits a large payload over several messages, "all
 * related data items must be sent in a single message" (all items of one indexed group, one
 * file deployment). The phone applies each message on its own, so a split unit would leave
 * it, between two messages, with half an object: a key whose function says "selected
 * dialling" but whose number has not arrived, a file with a server but no name.
 *
 * The rule, in order:
 * 1. Items that are parameters of one action form a single unit whatever their index:
 *    the secure-mode bootstrap (`goto-secure-mode`, `secure-mode-data`, `dls-client-certificate`,
 *    every `dls-server-ca`, `dls-secure-port`, `max-pin-retries`; §5, §6.10) and the factory
 *    reset (`restart-type` + `restart-password`; §5).
 * 2. A non-indexed item is a unit of its own, except the file-transfer items (`file-*` without
 *    index, §5.1, §7.3; not the phone's `file-deployment-*` reports): a single-file
 *    FileDeployment or a SoftwareDeployment describes one file with them, so they form one
 *    unit, `file`.
 * 3. An indexed item belongs to the unit (family, index). A family is the set of names that
 *    describe the same indexed object (table below): a programmable key by key number (§7.5,
 *    and the per-line items of §7.4, whose index is the key number too), an XML application by
 *    slot (§7.6), a file of a multi-file deployment by file index (§5.1), a codec list slot
 *    (§7.4), a row of the canonical lookup table, a stored file's report (§7.3).
 * 4. Any other indexed item is its own family: `trace-level[3]` travels alone (§7.7).
 *
 * Keys read `function-key[5]`, `xml-app[2]`, `file[1]`, `file`, `secure-mode`,
 * `trace-level[3]`, `sntp-addr`. Should an item name ever coincide with a family name the two
 * units merge, which only makes a unit larger and never splits one.
 */
export function relatedGroupKey(item: WpiItem): string {
  const bundle = ACTION_BUNDLES.get(item.name);
  if (bundle !== undefined) {
    return bundle;
  }
  const family = familyOf(item.name);
  if (item.index === undefined) {
    // `file-deployment-*` without an index is a phone report, not part of a file transfer.
    return family === 'file' ? 'file' : item.name;
  }
  return `${family ?? item.name}[${item.index}]`;
}

/**
 * Item names from items.json (groups deployment, interaction, security) that are only
 * meaningful as one action's parameters, so every index of them goes into the same message.
 * `max-pin-retries` is also written as an ordinary setting (GS5); bundling it costs nothing
 * when no bootstrap travels with it.
 */
const ACTION_BUNDLES: ReadonlyMap<string, string> = new Map([
  ['goto-secure-mode', 'secure-mode'],
  ['secure-mode-data', 'secure-mode'],
  ['dls-client-certificate', 'secure-mode'],
  ['dls-server-ca', 'secure-mode'],
  ['dls-secure-port', 'secure-mode'],
  ['max-pin-retries', 'secure-mode'],
  ['restart-type', 'restart'],
  ['restart-password', 'restart'],
]);

interface ItemFamily {
  readonly family: string;
  /** Catalogue names (items.json, `indexed: true`) known to belong to the family. */
  readonly names: readonly string[];
  /**
   * Catches names the catalogue does not list yet (it is incomplete, items.md "Known gaps"):
   * an unknown `send-url-*` or `XML-app-*` item still describes the same key or slot.
   */
  readonly prefixes: readonly string[];
}

/**
 * The families, drawn from items.json (`group`, `indexed`) and protocol.md §7.4–7.7.
 *
 * The per-line items (`line-sip-uri` …) are in the key family rather than a family of their
 * own: their index is the key number (§7.4, items.json notes "index = key number"), and a
 * line is a key with `function-key-def=31` (§7.5), so `function-key-def[5]` and
 * `line-sip-uri[5]` describe the same key. Non-indexed `line-*`, `blf-*` and `key-*` items
 * (`line-button-mode`, `blf-code`, `key-modules`) are global settings and stay single by rule 2.
 *
 * `forwarding-type` / `forwarding-dest` are indexed by key number (items.json: "Forwarding key
 * (function 6)"). Pairing the two canonical lookup lists by index is our reading [C]: the WBM
 * shows them as one table of local code / international code rows.
 */
const ITEM_FAMILIES: readonly ItemFamily[] = [
  {
    family: 'function-key',
    names: [
      'function-key-def',
      'key-label',
      'key-label-unicode',
      'locked-function-keys',
      'select-dial',
      'repertory-dial',
      'key-deflect-destination',
      'key-functionality',
      'FPK-app-name',
      'forwarding-type',
      'forwarding-dest',
      'stimulus-feature-code',
      'stimulus-led-control-uri',
      'stimulus-DTMF-sequence',
      'blf-audible',
      'blf-popup',
      'send-url-address',
      'send-url-protocol',
      'send-url-port',
      'send-url-path',
      'send-url-query',
      'send-url-method',
      'send-url-user-id',
      'send-url-passwd',
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
    prefixes: ['function-key-', 'key-', 'stimulus-', 'blf-', 'send-url-', 'FPK-', 'forwarding-', 'line-'],
  },
  {
    family: 'xml-app',
    names: [
      'XML-app-name',
      'XML-app-action',
      'XML-app-display-name',
      'XML-app-program-name',
      'XML-app-special-instance',
      'XML-app-server-addr',
      'XML-app-server-port',
      'XML-app-transport',
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
      'XML-app-control-key',
      'XML-app-auto-start',
      'XML-app-all-tabs-start',
      'XML-app-restart',
      'XML-app-enabled',
    ],
    prefixes: ['XML-app-'],
  },
  {
    family: 'file',
    names: [
      'file-server',
      'file-port',
      'file-username',
      'file-pwd',
      'file-path',
      'file-name',
      'file-https-base-url',
      'file-type',
      'file-action',
      'file-priority',
      'file-sw-type',
      'file-sw-version',
    ],
    prefixes: ['file-'],
  },
  {
    // What the phone reports per stored file (§7.3, G p.245); not part of a transfer, and its
    // index numbers stored files, not the files of a deployment.
    family: 'stored-file',
    names: [
      'file-deployment-status',
      'file-deployment-date',
      'file-deployment-time',
      'file-deployment-name',
      'file-deployment-type',
    ],
    prefixes: ['file-deployment-'],
  },
  {
    family: 'codec',
    names: ['codec-type', 'codec-allowed', 'codec-packet-size', 'codec-rank'],
    prefixes: ['codec-'],
  },
  {
    family: 'canonical-lookup',
    names: ['Canonical-lookup-local-code', 'Canonical-lookup-international-code'],
    prefixes: ['Canonical-lookup-'],
  },
];

const FAMILY_BY_NAME: ReadonlyMap<string, string> = new Map(
  ITEM_FAMILIES.flatMap(({ family, names }) => names.map((name): [string, string] => [name, family])),
);

// Longest prefix first, so `file-deployment-` wins over `file-`.
const FAMILY_BY_PREFIX: readonly (readonly [string, string])[] = ITEM_FAMILIES.flatMap(({ family, prefixes }) =>
  prefixes.map((prefix): [string, string] => [prefix, family]),
).sort(([a], [b]) => b.length - a.length);

function familyOf(name: string): string | undefined {
  const known = FAMILY_BY_NAME.get(name);
  if (known !== undefined) {
    return known;
  }
  // Item names are case-sensitive (items.md), so `xml-app-name` is not an XML-app item.
  return FAMILY_BY_PREFIX.find(([prefix]) => name.startsWith(prefix))?.[1];
}
