import { type DlsMessage, itemWith, type WpiItem } from '@workpoint/wpi-codec';
import { firmwareTraits, type FirmwareTraits } from './firmware-family.catalog';
import { isFileDeploymentItem, storedFileItems, type DeployedFile, type FileDeploymentReport } from './file-deployment.items';
import { basicItems, fullItemSet, gigabitItem } from './item-set.factory';
import type { PhoneBehaviour } from './phone-behaviour.options';
import { PhoneItemStore } from './phone-item.store';
import type { ResolvedPhoneIdentity } from './phone.options';

/** Why the phone would be rebooting now; cleared by its next start-up. */
export type RebootKind = 'restart' | 'factory-reset' | 'firmware-update';

/**
 * What one phone remembers across interactions: its items, its deployed files, the
 * `send-solicited` flag and whether it is about to reboot. Interactions of the same phone
 * share it, as they would share the one device.
 */
export class PhoneState {
  readonly store: PhoneItemStore;
  /** Set by CleanUp with `send-solicited=true` while busy; lost on restart (G p.72). */
  solicitedPending = false;
  pendingReboot?: RebootKind;
  reboots = 0;
  private files: FileDeploymentReport[] = [];

  constructor(
    private readonly identity: ResolvedPhoneIdentity,
    readonly behaviour: PhoneBehaviour,
  ) {
    this.store = new PhoneItemStore(fullItemSet(identity));
  }

  get mac(): string {
    return this.identity.mac;
  }

  get deviceType(): string {
    return this.store.get('device-type')?.value ?? this.identity.deviceType;
  }

  get softwareVersion(): string {
    return this.store.get('software-version')?.value ?? this.identity.softwareVersion;
  }

  get storedFiles(): readonly FileDeploymentReport[] {
    return this.files;
  }

  traits(): FirmwareTraits {
    const traits = firmwareTraits(this.deviceType, this.softwareVersion);
    return {
      ...traits,
      attachesLocalChanges: this.behaviour.attachesLocalChanges ?? traits.attachesLocalChanges,
      honoursSendSolicited: this.behaviour.honoursSendSolicited ?? traits.honoursSendSolicited,
    };
  }

  /**
   * The identity items every phone-initiated message starts with, with the store's current
   * values (an e164 the service rewrote is used from then on, G p.27). `mac-addr` is not in
   * the store: ReadAllItems replies leave it out.
   */
  basicItems(configurationChanged = this.identity.configurationChanged || this.resetSinceRead): WpiItem[] {
    const current = basicItems({ ...this.identity, deviceType: this.deviceType, softwareVersion: this.softwareVersion, configurationChanged });
    return current.map((item) =>
      item.name === 'mac-addr' || item.name === 'configuration-changed-flag' ? item : (this.store.get(item.name) ?? item),
    );
  }

  isBusy(message: DlsMessage): boolean {
    const { busy } = this.behaviour;
    return typeof busy === 'function' ? busy(message) : busy;
  }

  /** ReadItems: the requested items' current values; a name without index returns every instance. */
  readItems(requested: readonly WpiItem[]): WpiItem[] {
    return requested.flatMap((wanted): WpiItem[] => {
      const problem = (status: string): WpiItem[] => [itemWith(wanted, { value: null, status })];
      if (this.behaviour.unknownItems.includes(wanted.name)) return problem('unknown item');
      if (wanted.name === 'mac-addr') return [{ name: 'mac-addr', value: this.mac }];
      if (wanted.index !== undefined) {
        const range = this.behaviour.indexRanges[wanted.name];
        if (range && (wanted.index < range[0] || wanted.index > range[1])) return problem('invalid index');
        const found = this.store.get(wanted.name, wanted.index);
        if (found) return [found];
        return problem(this.store.named(wanted.name).length > 0 ? 'invalid index' : 'unknown item');
      }
      const all = this.store.named(wanted.name);
      return all.length > 0 ? all : problem('unknown item');
    });
  }

  /** WriteItems: applies what it can and returns only the problem items (G p.46–48, p.77–83). */
  writeItems(items: readonly WpiItem[]): WpiItem[] {
    const { itemStatuses, unknownItems, readOnlyItems, indexRanges, writeOnlyItems } = this.behaviour;
    const problems: WpiItem[] = [];
    const accepted: WpiItem[] = [];
    for (const item of items) {
      const configured =
        (item.index !== undefined ? itemStatuses[`${item.name}#${item.index}`] : undefined) ?? itemStatuses[item.name];
      const range = indexRanges[item.name];
      let status: string | undefined = configured;
      if (status === undefined && unknownItems.includes(item.name)) status = 'unknown item';
      if (status === undefined && readOnlyItems.includes(item.name)) status = 'read only';
      if (status === undefined && range && (item.index === undefined || item.index < range[0] || item.index > range[1])) {
        status = 'invalid index';
      }
      if (status !== undefined) {
        problems.push(itemWith(item, { value: null, status }));
      } else if (writeOnlyItems.includes(item.name)) {
        accepted.push(itemWith(item, { value: null, status: 'failed' }));
      } else {
        accepted.push(itemWith(item, { value: item.value }));
      }
    }
    this.store.set(accepted);
    return problems;
  }

  /** Changes made on the phone itself (local menu, WBM, an attached key module): nothing refuses them. */
  applyLocalChanges(items: readonly WpiItem[]): void {
    this.store.set(items.map((item) => itemWith(item, { value: item.value })));
  }

  setContactMeUri(uri: string): void {
    this.store.set([{ name: 'contact-me-uri', value: uri }]);
  }

  /** Files kept after a transfer; ReadAllItems reports them as indexed file-deployment-* items (G p.245). */
  recordFile(file: DeployedFile, report: FileDeploymentReport): void {
    const same = (stored: FileDeploymentReport): boolean => stored.name === file.name && stored.type === file.type;
    if (file.action === 'delete') this.files = this.files.filter((stored) => !same(stored));
    else if (report.status === 'ok') this.files = [...this.files.filter((stored) => !same(stored)), report];
    else return;
    this.store.remove((item) => isFileDeploymentItem(item.name));
    this.store.set(storedFileItems(this.files));
  }

  /** The image is installed; the phone reports the new version from its next start-up on. */
  installFirmware(version: string | undefined): void {
    if (version !== undefined) {
      this.store.remove((item) => item.name === 'gigabit-ethernet' || item.name === 'gigabit-ethernet-enabled');
      this.store.set([
        { name: 'software-version', value: version },
        { name: 'related-software-version', value: version },
        gigabitItem({ deviceType: this.deviceType, softwareVersion: version }),
      ]);
    }
    this.reboot('firmware-update');
  }

  reboot(kind: RebootKind): void {
    this.pendingReboot = kind;
    this.reboots++;
    this.solicitedPending = false;
  }

  /**
   * Set by a factory reset until the service reads the whole item set again: the phone's
   * configuration changed, so its start-up says `configuration-changed-flag=true` (G p.32–34).
   */
  resetSinceRead = false;

  /** Back to the factory item set; the installed firmware and the phone's address stay. */
  factoryReset(): void {
    this.resetSinceRead = true;
    const contactMeUri = this.store.get('contact-me-uri')?.value ?? this.identity.contactMeUri;
    this.store.replaceAll(
      fullItemSet({ ...this.identity, deviceType: this.deviceType, softwareVersion: this.softwareVersion, contactMeUri }),
    );
    this.files = [];
    this.reboot('factory-reset');
  }

  /** The `restart-password` a factory reset must carry: the one written to the phone, else the default. */
  factoryResetPassword(): string {
    return this.store.get('restart-password')?.value ?? this.behaviour.factoryResetPassword;
  }
}
