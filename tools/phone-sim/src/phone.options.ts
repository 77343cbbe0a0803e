import { firmwareFamily } from './firmware-family.catalog';
import type { PhoneBehaviourOptions } from './phone-behaviour.options';

/** How one simulated phone presents itself and talks to the service. */
export interface PhoneOptions {
  /** `00:1A:E8:00:00:01` style; upper-cased on use. */
  mac: string;
  /** Phone number; derived from the MAC when absent so every phone is distinct. */
  e164?: string;
  /**
   * A model and firmware generation from FIRMWARE_FAMILIES (`openstage-40-v2`, `cp400-v1`);
   * supplies deviceType and softwareVersion where those are not given.
   */
  family?: string;
  /** e.g. `OpenStage 60`. */
  deviceType?: string;
  /** e.g. `V3 R5.12.0`. */
  softwareVersion?: string;
  /** Size of the ReadAllItems answer (the basic items count towards it). */
  itemCount?: number;
  /** Service URL(s); exchange k of an interaction goes to `urls[k % urls.length]`. */
  urls: string[];
  /** Real phones send `Connection: close`; true keeps one connection per interaction. */
  keepAlive?: boolean;
  /**
   * Let the phone's later connections in one interaction resume its TLS session (default
   * true, like any client with a session cache). Never shared between phones or interactions.
   */
  tlsSessionReuse?: boolean;
  /** Echo cookies with `; path=/` appended, as some firmware does (protocol.md §2.4). */
  cookieQuirk?: boolean;
  /** Value of `configuration-changed-flag` in the start-up message. */
  configurationChanged?: boolean;
  /** Per exchange (request sent → response body read). */
  timeoutMs?: number;
  /** Upper bound on exchanges per interaction, so a looping service cannot hold the phone forever. */
  maxExchanges?: number;
  /** Overrides the derived `contact-me-uri`. */
  contactMeUri?: string;
  /** Sees every request and response on the wire (CLI --verbose, debugging). */
  onWire?: (event: WireEvent) => void;
  /** How the phone answers the service's actions; see PhoneBehaviourOptions. */
  behaviour?: PhoneBehaviourOptions;
}

/** One HTTP message as the phone sent or received it. */
export interface WireEvent {
  direction: 'request' | 'response';
  url: string;
  /** HTTP status, responses only. */
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The part of PhoneOptions that decides what the phone says (not where or how it sends it). */
export type PhoneIdentityOptions = Pick<
  PhoneOptions,
  'mac' | 'e164' | 'family' | 'deviceType' | 'softwareVersion' | 'itemCount' | 'configurationChanged' | 'contactMeUri'
>;

export type ResolvedPhoneIdentity = Required<Omit<PhoneIdentityOptions, 'family'>>;

/** PhoneOptions with every default applied (behaviour is resolved by the phone itself). */
export interface ResolvedPhoneOptions extends Required<Omit<PhoneOptions, 'onWire' | 'family' | 'behaviour'>> {
  onWire?: (event: WireEvent) => void;
}

export const DEFAULT_DEVICE_TYPE = 'OpenStage 60';
export const DEFAULT_SOFTWARE_VERSION = 'V3 R5.12.0';
export const DEFAULT_ITEM_COUNT = 200;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_EXCHANGES = 20;

const MAC_PATTERN = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;

export function resolvePhoneIdentity(options: PhoneIdentityOptions): ResolvedPhoneIdentity {
  const mac = options.mac.toUpperCase();
  if (!MAC_PATTERN.test(mac)) throw new Error(`invalid MAC address: ${options.mac}`);
  const macBytes = mac.split(':').map((b) => parseInt(b, 16));
  const itemCount = options.itemCount ?? DEFAULT_ITEM_COUNT;
  const family = options.family === undefined ? undefined : firmwareFamily(options.family);
  if (!Number.isInteger(itemCount) || itemCount < 0) throw new Error(`invalid item count: ${itemCount}`);
  return {
    mac,
    e164: options.e164 ?? e164ForMac(macBytes),
    deviceType: options.deviceType ?? family?.deviceType ?? DEFAULT_DEVICE_TYPE,
    softwareVersion: options.softwareVersion ?? family?.softwareVersion ?? DEFAULT_SOFTWARE_VERSION,
    itemCount,
    configurationChanged: options.configurationChanged ?? false,
    // The simulator's own address, like a real phone's: the service asks only the address a
    // phone's requests come from (127.0.0.1 here). It never listens there unless asked to.
    contactMeUri: options.contactMeUri ?? 'http://127.0.0.1:8085/contact_dls.html/ContactDLS',
  };
}

export function resolvePhoneOptions(options: PhoneOptions): ResolvedPhoneOptions {
  if (options.urls.length === 0) throw new Error('at least one service URL is required');
  for (const url of options.urls) {
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`unsupported URL: ${url}`);
  }
  return {
    ...resolvePhoneIdentity(options),
    urls: [...options.urls],
    keepAlive: options.keepAlive ?? false,
    tlsSessionReuse: options.tlsSessionReuse ?? true,
    cookieQuirk: options.cookieQuirk ?? false,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxExchanges: options.maxExchanges ?? DEFAULT_MAX_EXCHANGES,
    onWire: options.onWire,
  };
}

/** A German-looking number whose last 8 digits come from the NIC part of the MAC, so distinct phones differ. */
function e164ForMac(macBytes: number[]): string {
  const nic = macBytes[3] * 65536 + macBytes[4] * 256 + macBytes[5];
  return `4989${String(nic).padStart(8, '0')}`;
}
