import type { WpiItem } from '@workpoint/wpi-codec';
import { reportedSoftwareVersion, versionFromImageName } from './firmware-family.catalog';

// The file-transfer item vocabulary of protocol.md §5.1 and §7.3, both directions: what a
// FileDeployment / SoftwareDeployment asks for, and the file-deployment-* items a phone reports.

/** One file of a FileDeployment or SoftwareDeployment as the phone understood it. */
export interface DeployedFile {
  /** Position in a multiple-file job (indexed items); absent for a single file. */
  index?: number;
  name: string;
  type: string;
  action: 'deploy' | 'delete';
  /** `file-https-base-url`: the full URL of the file (G p.53); absent for FTP transfers. */
  url?: string;
}

export interface FileDeploymentPlan {
  /** Indexed items with `file-action`: the phone sends no status afterwards (G p.55). */
  multiple: boolean;
  files: DeployedFile[];
  /** `normal` = only when idle, `immediate` = regardless (G p.177; default immediate; GS3 sends 0/1). */
  priority: 'normal' | 'immediate';
}

export interface SoftwareDeploymentPlan {
  file: DeployedFile;
  priority: 'normal' | 'immediate';
  /** What the phone will report as `software-version` after installing the image, if knowable. */
  version?: string;
}

/** A file-transfer result as the phone reports it in `status` and in ReadAllItems (G p.54, p.245). */
export interface FileDeploymentReport {
  name: string;
  type: string;
  /** `ok` or `failed` (G p.245); anything else is sent verbatim, for tests of odd phones. */
  status: string;
  /** `dd:mm:yyyy`; default: now. */
  date?: string;
  /** `hh:mm:ss`; default: now. */
  time?: string;
}

export function planFileDeployment(items: readonly WpiItem[]): FileDeploymentPlan {
  const indices = [...new Set(items.filter((item) => item.name.startsWith('file-') && item.index !== undefined).map((item) => item.index!))];
  indices.sort((a, b) => a - b);
  const priority = priorityOf(items);
  if (indices.length === 0) return { multiple: false, files: [fileAt(items, undefined)], priority };
  return { multiple: true, files: indices.map((index) => fileAt(items, index)), priority };
}

export function planSoftwareDeployment(items: readonly WpiItem[]): SoftwareDeploymentPlan {
  const file = fileAt(items, undefined);
  const announced = value(items, 'file-sw-version', undefined);
  const version = announced !== undefined ? reportedSoftwareVersion(announced) : versionFromImageName(file.name);
  return { file: { ...file, type: file.type || 'APP' }, priority: priorityOf(items), ...(version !== undefined ? { version } : {}) };
}

/** `status` items for one report (plain, as G p.54 shows) or several (indexed 1…n, as in ReadAllItems). */
export function fileStatusItems(reports: readonly FileDeploymentReport[], now = new Date()): WpiItem[] {
  const indexed = reports.length > 1;
  return reports.flatMap((report, position) => reportItems(report, indexed ? position + 1 : undefined, now));
}

/** The phone's stored files as ReadAllItems reports them: always indexed (G p.245). */
export function storedFileItems(reports: readonly FileDeploymentReport[], now = new Date()): WpiItem[] {
  return reports.flatMap((report, position) => reportItems(report, position + 1, now));
}

export function isFileDeploymentItem(name: string): boolean {
  return name.startsWith('file-deployment-');
}

/** `10:06:2008` and `15:35:52`, the shapes of the guide's example (G p.54). */
export function deploymentTimestamp(now: Date): { date: string; time: string } {
  const two = (n: number): string => String(n).padStart(2, '0');
  return {
    date: `${two(now.getUTCDate())}:${two(now.getUTCMonth() + 1)}:${now.getUTCFullYear()}`,
    time: `${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}`,
  };
}

function reportItems(report: FileDeploymentReport, index: number | undefined, now: Date): WpiItem[] {
  const stamp = deploymentTimestamp(now);
  const item = (name: string, text: string): WpiItem => ({ name, ...(index !== undefined ? { index } : {}), value: text === '' ? null : text });
  return [
    item('file-deployment-date', report.date ?? stamp.date),
    item('file-deployment-time', report.time ?? stamp.time),
    item('file-deployment-name', report.name),
    item('file-deployment-type', report.type),
    item('file-deployment-status', report.status),
  ];
}

function fileAt(items: readonly WpiItem[], index: number | undefined): DeployedFile {
  const url = value(items, 'file-https-base-url', index);
  const name = value(items, 'file-name', index) ?? (url !== undefined ? lastPathSegment(url) : '');
  const type = value(items, 'file-type', index) ?? value(items, 'file-sw-type', index) ?? '';
  const action = value(items, 'file-action', index) === 'delete' ? 'delete' : 'deploy';
  return { ...(index !== undefined ? { index } : {}), name, type, action, ...(url !== undefined ? { url } : {}) };
}

/** The indexed value when there is one, else the plain value shared by every file of the job. */
function value(items: readonly WpiItem[], name: string, index: number | undefined): string | undefined {
  const own = index === undefined ? undefined : items.find((item) => item.name === name && item.index === index);
  const shared = items.find((item) => item.name === name && item.index === undefined);
  return (own ?? shared)?.value ?? undefined;
}

function priorityOf(items: readonly WpiItem[]): 'normal' | 'immediate' {
  const priority = value(items, 'file-priority', undefined)?.toLowerCase();
  return priority === 'normal' || priority === '0' ? 'normal' : 'immediate';
}

function lastPathSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/').filter((segment) => segment !== '');
    return decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    return '';
  }
}
