import { isSealedItem } from '@workpoint/contracts';
import type { WpiItem } from '@workpoint/wpi-codec';
import { SecretBox } from './secret-box';

/**
 * Secret item values of a WPI item list, sealed or opened with one SecretBox. One rule for
 * what is secret (isSealedItem, from the contracts) wherever items are kept or sent: job rows,
 * the contacts the gateway publishes, the answers the stages send back.
 */
export class SealedItems {
  constructor(readonly box: SecretBox) {}

  static fromBase64(secretKey: string): SealedItems {
    return new SealedItems(SecretBox.fromBase64(secretKey));
  }

  /** Secret values sealed; empty, null and already sealed values left as they are. Returns `items` itself when nothing changes. */
  conceal<T extends WpiItem>(items: readonly T[]): T[] {
    let out: T[] | undefined;
    items.forEach((item, i) => {
      if (item.value === null || item.value === '' || SecretBox.isSealed(item.value) || !isSealedItem(item.name)) return;
      out ??= [...items];
      out[i] = { ...item, value: this.box.seal(item.value) };
    });
    return out ?? (items as T[]);
  }

  /**
   * Sealed values opened (only those of secret items: a sealed-looking value of any other item
   * is left as it came). Throws SealedValueError (permanent) when one does not open with this key.
   */
  reveal<T extends WpiItem>(items: readonly T[]): T[] {
    let out: T[] | undefined;
    items.forEach((item, i) => {
      if (!SecretBox.isSealed(item.value) || !isSealedItem(item.name)) return;
      out ??= [...items];
      out[i] = { ...item, value: this.box.open(item.value) };
    });
    return out ?? (items as T[]);
  }
}
