/**
 * Phone models and firmware generations a test can pick by name (protocol.md §6.8, §7.1).
 * Versions are ones the sources quote (`V1 R4.9.0`, `V2 R2.30.0`, `V3 R5.12.0`) or shaped like
 * them; what matters is the generation, since that decides which message forms the phone uses.
 */
export interface FirmwareFamily {
  /** e.g. `openstage-60-v3`, `cp400-v1`. */
  name: string;
  deviceType: string;
  softwareVersion: string;
}

/** `V<major>[.<sub>] R<release>.<fix>.<hotfix>` as the phone reports it, in numbers. */
export interface SoftwareVersion {
  major: number;
  release: number;
  fix: number;
  hotfix: number;
}

/** Protocol forms that changed between firmware generations. */
export interface FirmwareTraits {
  /** ≥ V2R2: local-changes carries the changed items (`configuration-attached-flag`), G p.40. */
  attachesLocalChanges: boolean;
  /** ≥ V3R3: CleanUp with `send-solicited=true` is honoured, G p.72. */
  honoursSendSolicited: boolean;
  /** Newer firmware reports `gigabit-ethernet-enabled`; older reports `gigabit-ethernet` as failed (§7.1). */
  reportsGigabitEnabled: boolean;
}

const OPENSTAGE_MODELS = ['15', '20', '40', '60', '80'];
const OPENSTAGE_VERSIONS: ReadonlyArray<readonly [string, string]> = [
  ['v1', 'V1 R4.9.0'],
  ['v2', 'V2 R2.30.0'],
  ['v3', 'V3 R5.12.0'],
];
const DESK_PHONE_MODELS = ['CP200', 'CP400', 'CP600'];
const DESK_PHONE_VERSION = 'V1 R5.3.0';

export const FIRMWARE_FAMILIES: readonly FirmwareFamily[] = [
  ...OPENSTAGE_MODELS.flatMap((model) =>
    OPENSTAGE_VERSIONS.map(([suffix, softwareVersion]) => ({
      name: `openstage-${model}-${suffix}`,
      deviceType: `OpenStage ${model}`,
      softwareVersion,
    })),
  ),
  ...DESK_PHONE_MODELS.map((model) => ({
    name: `${model.toLowerCase()}-v1`,
    deviceType: `OpenScape Desk Phone ${model}`,
    softwareVersion: DESK_PHONE_VERSION,
  })),
];

export function firmwareFamily(name: string): FirmwareFamily {
  const family = FIRMWARE_FAMILIES.find((candidate) => candidate.name === name.toLowerCase());
  if (!family) {
    throw new Error(`unknown firmware family "${name}"; known: ${FIRMWARE_FAMILIES.map((f) => f.name).join(', ')}`);
  }
  return family;
}

/**
 * Reads the phone's form (`V3 R5.12.0`, `V3.1 R0.5.0`) and the dotted form the guide uses in
 * `file-sw-version` (`1.4.9.0`); undefined for anything else.
 */
export function parseSoftwareVersion(text: string): SoftwareVersion | undefined {
  const phoneForm = /^\s*V(\d+)(?:\.\d+)?\s*R(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/i.exec(text);
  if (phoneForm) return versionOf(phoneForm[1], phoneForm[2], phoneForm[3], phoneForm[4]);
  const dotted = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(text);
  if (dotted) return versionOf(dotted[1], dotted[2], dotted[3], dotted[4]);
  return undefined;
}

/**
 * The version string a phone reports after installing an image announced as `text`: a phone
 * never reports the dotted form, so `1.4.9.0` becomes `V1 R4.9.0`; unknown forms stay as given.
 */
export function reportedSoftwareVersion(text: string): string {
  if (/^\s*V\d/i.test(text)) return text.trim();
  const version = parseSoftwareVersion(text);
  return version ? `V${version.major} R${version.release}.${version.fix}.${version.hotfix}` : text.trim();
}

/** The version inside an image name like `OS_80_SIP_V1_R4_9_0.img` (G p.57), if any. */
export function versionFromImageName(fileName: string): string | undefined {
  const match = /V(\d+)_R(\d+)_(\d+)_(\d+)/i.exec(fileName);
  return match ? `V${match[1]} R${match[2]}.${match[3]}.${match[4]}` : undefined;
}

export function firmwareTraits(deviceType: string, softwareVersion: string): FirmwareTraits {
  const version = parseSoftwareVersion(softwareVersion);
  // OpenScape Desk Phone firmware restarted at V1 but descends from OpenStage V3; an
  // unreadable version is treated as current firmware rather than as the oldest.
  if (/OpenScape Desk Phone/i.test(deviceType) || version === undefined) {
    return { attachesLocalChanges: true, honoursSendSolicited: true, reportsGigabitEnabled: true };
  }
  const atLeast = (major: number, release: number): boolean =>
    version.major > major || (version.major === major && version.release >= release);
  return {
    attachesLocalChanges: atLeast(2, 2),
    honoursSendSolicited: atLeast(3, 3),
    reportsGigabitEnabled: atLeast(3, 0),
  };
}

function versionOf(major: string, release: string, fix?: string, hotfix?: string): SoftwareVersion {
  return { major: Number(major), release: Number(release), fix: Number(fix ?? 0), hotfix: Number(hotfix ?? 0) };
}
