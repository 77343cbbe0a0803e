import type { DlsMessage, WpiAction } from '@workpoint/wpi-codec';
import type { DeployedFile } from './file-deployment.items';

/**
 * Whether the phone is in a call. A function is asked for every action a busy phone refuses
 * (WriteItems; File/SoftwareDeployment with `file-priority=normal`) and for a CleanUp
 * carrying `send-solicited`, where true means the call-back waits for `becomeIdle()`.
 */
export type BusyDecision = boolean | ((message: DlsMessage) => boolean);

export type DeploymentOutcome = 'ok' | 'failed';

/** Deliberate protocol violations, one small switch each, for testing the service's defences. */
export interface PhoneMisbehaviour {
  /** From the second message of an interaction on, carry `mac-addr` with this (another phone's) MAC. */
  switchMacTo?: string;
  /** Every reply-to names this action instead of the one actually received. */
  replyToAction?: string;
  /** Fragmented replies never end: every fragment says `next`, cycling through the items. */
  endlessFragments?: boolean;
}

/** How the phone answers the service's actions (protocol.md §5, §8.1). Every field is optional. */
export interface PhoneBehaviourOptions {
  /** Reply-tos to ReadAllItems/ReadItems are split into `fragment="next"` messages of this many items. Default: no split. */
  fragmentSize?: number;
  /** Default false. */
  busy?: BusyDecision;
  /** Written items answered `read only`. Default READ_ONLY_ITEMS. */
  readOnlyItems?: readonly string[];
  /** Names the phone does not know: `unknown item` when written or read. Default none. */
  unknownItems?: readonly string[];
  /** Accepted when written but never reported back (`status="failed"`, no value). Default WRITE_ONLY_ITEMS. */
  writeOnlyItems?: readonly string[];
  /** Status reported for a written item, keyed `name` or `name#index` (e.g. `failed`, `invalid data`); such an item is not applied. */
  itemStatuses?: Readonly<Record<string, string>>;
  /** Valid index range per indexed item; outside it → `invalid index`. Default INDEX_RANGES. */
  indexRanges?: Readonly<Record<string, readonly [number, number]>>;
  /** Actions answered `reply-to status="failed"`, as firmware that does not support them. Default none. */
  refusedActions?: readonly WpiAction[];
  /** Result of a file transfer. Default `ok`. */
  fileDeploymentStatus?: DeploymentOutcome | ((file: DeployedFile) => DeploymentOutcome);
  /** Result of a firmware download; `failed` → a `status` report instead of a reboot. Default `ok`. */
  softwareDeploymentStatus?: DeploymentOutcome;
  /** Really GET `file-https-base-url` and fail the transfer unless it answers 2xx. Default false. */
  downloadFiles?: boolean;
  /** Send the FileDeployment `status` as the next message of the same interaction instead of a new one. Default false. */
  statusInSameInteraction?: boolean;
  /** Run the interactions the protocol makes the phone start on its own (status after FileDeployment, start-up after SoftwareDeployment, solicited after CleanUp+send-solicited when idle). Default true. */
  followUps?: boolean;
  /** Bound on chained follow-ups, so a service that redeploys forever cannot loop the phone. Default 5. */
  maxFollowUps?: number;
  /** Time the phone "spends" downloading or rebooting before a follow-up. Default 0. */
  followUpDelayMs?: number;
  /** Honour CleanUp `send-solicited=true`. Default: by firmware (≥ V3R3). */
  honoursSendSolicited?: boolean;
  /** Send local-changes with the changed items attached. Default: by firmware (≥ V2R2). */
  attachesLocalChanges?: boolean;
  /** A factory reset needs this `restart-password` (G p.51); a wrong one only restarts. Default `124816`. */
  factoryResetPassword?: string;
  misbehave?: PhoneMisbehaviour;
}

/** Identity and inventory items no service can change (protocol.md §7.1, G p.82). */
export const READ_ONLY_ITEMS: readonly string[] = [
  'device-type',
  'related-device-type',
  'software-type',
  'related-software-type',
  'software-version',
  'related-software-version',
  'mac-addr',
  'part-number',
  'contact-me-uri',
  'backlight-type',
  'key-modules',
];

/** Passwords the phone takes but reports only as failed (protocol.md §4.3, §7.4). */
export const WRITE_ONLY_ITEMS: readonly string[] = ['admin-pwd', 'admin-pwd-unicode', 'user-pwd-unicode'];

/** The documented index ranges (protocol.md §7.4, §7.7). */
export const INDEX_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  'codec-type': [1, 3],
  'codec-allowed': [1, 3],
  'codec-packet-size': [1, 3],
  'codec-rank': [1, 3],
  'locked-config-menus': [1, 66],
  'locked-local-function-menus': [1, 10],
  'trace-level': [0, 41],
  'Canonical-lookup-local-code': [1, 50],
  'Canonical-lookup-international-code': [1, 50],
};

export const DEFAULT_FACTORY_RESET_PASSWORD = '124816';
export const DEFAULT_MAX_FOLLOW_UPS = 5;

/** The behaviour with its defaults applied; mutable so a test can change it between interactions. */
export interface PhoneBehaviour
  extends Required<Omit<PhoneBehaviourOptions, 'fragmentSize' | 'honoursSendSolicited' | 'attachesLocalChanges' | 'misbehave'>> {
  fragmentSize?: number;
  honoursSendSolicited?: boolean;
  attachesLocalChanges?: boolean;
  misbehave: PhoneMisbehaviour;
}

export function resolvePhoneBehaviour(options: PhoneBehaviourOptions = {}): PhoneBehaviour {
  if (options.fragmentSize !== undefined && !(Number.isInteger(options.fragmentSize) && options.fragmentSize > 0)) {
    throw new Error(`invalid fragment size: ${options.fragmentSize}`);
  }
  if (options.maxFollowUps !== undefined && !(Number.isInteger(options.maxFollowUps) && options.maxFollowUps >= 0)) {
    throw new Error(`invalid follow-up bound: ${options.maxFollowUps}`);
  }
  return {
    ...options,
    busy: options.busy ?? false,
    readOnlyItems: options.readOnlyItems ?? READ_ONLY_ITEMS,
    unknownItems: options.unknownItems ?? [],
    writeOnlyItems: options.writeOnlyItems ?? WRITE_ONLY_ITEMS,
    itemStatuses: options.itemStatuses ?? {},
    indexRanges: options.indexRanges ?? INDEX_RANGES,
    refusedActions: options.refusedActions ?? [],
    fileDeploymentStatus: options.fileDeploymentStatus ?? 'ok',
    softwareDeploymentStatus: options.softwareDeploymentStatus ?? 'ok',
    downloadFiles: options.downloadFiles ?? false,
    statusInSameInteraction: options.statusInSameInteraction ?? false,
    followUps: options.followUps ?? true,
    maxFollowUps: options.maxFollowUps ?? DEFAULT_MAX_FOLLOW_UPS,
    followUpDelayMs: options.followUpDelayMs ?? 0,
    factoryResetPassword: options.factoryResetPassword ?? DEFAULT_FACTORY_RESET_PASSWORD,
    misbehave: { ...options.misbehave },
  };
}
