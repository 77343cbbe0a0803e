import { isSecretItem, SECRET_ITEM_PATTERN, SECRET_ITEMS } from '@workpoint/logging';
import { ITEM_TYPES, type WpiItem } from '@workpoint/wpi-codec';
import type { JobItemSecrets } from './job-stage.use-case';
import { SecretBox } from './secret-box';

/** Secret items: those the catalogue marks `secret`, and the names the log redactor masks. */
export function isSealedItem(name: string): boolean {
  return ITEM_TYPES.get(name)?.secret === true || isSecretItem(name);
}

/** isSealedItem for SQL: the names, and a case-insensitive pattern (valid as a POSIX regex too). */
export const SEALED_ITEMS_SQL = {
  names: [...new Set([...[...ITEM_TYPES].filter(([, facts]) => facts.secret === true).map(([name]) => name), ...SECRET_ITEMS])],
  pattern: SECRET_ITEM_PATTERN.source,
} as const;

/**
 * Job items at rest with their secret values sealed (AES-256-GCM, `CONFIG_SECRET_KEY`): sealed
 * when the job is queued, opened only for the message to the phone. Job rows, the job's
 * completed event and logs therefore never hold a clear password.
 */
export class SealedJobItems implements JobItemSecrets {
  constructor(private readonly box: SecretBox) {}

  static fromBase64(secretKey: string): SealedJobItems {
    return new SealedJobItems(SecretBox.fromBase64(secretKey));
  }

  /** Job items as stored: secret values sealed (empty and already sealed values left alone). */
  conceal(items: readonly WpiItem[]): WpiItem[] {
    return items.map((i) => (i.value !== null && i.value !== '' && isSealedItem(i.name) && !SecretBox.isSealed(i.value) ? { ...i, value: this.box.seal(i.value) } : i));
  }

  /** Job items as the phone must get them: sealed secrets opened. */
  reveal(items: readonly WpiItem[]): WpiItem[] {
    return items.map((i) => (SecretBox.isSealed(i.value) ? { ...i, value: this.box.open(i.value) } : i));
  }
}
