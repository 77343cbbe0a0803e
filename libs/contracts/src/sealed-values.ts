import { isSecretItem, MASK } from '@workpoint/logging';
import { ITEM_TYPES, type WpiItem } from '@workpoint/wpi-codec';

/**
 * How a sealed secret looks on the wire and at rest: `enc:v1:<iv>.<tag>.<ciphertext>`
 * (base64url; AES-256-GCM under `CONFIG_SECRET_KEY`, see SecretBox in libs/contact-pipeline).
 * Part of the contract, so a producer, a consumer and a test can tell a sealed value from a
 * clear one without the key.
 */
export const SEALED_VALUE_PREFIX = 'enc:v1:';

export function isSealedValue(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_VALUE_PREFIX);
}

/** Secret items: those the catalogue marks `secret`, and the names the log redactor masks. */
export function isSealedItem(name: string): boolean {
  return ITEM_TYPES.get(name)?.secret === true || isSecretItem(name);
}

/**
 * Whether an item would put a secret on the wire in clear: a secret item with a value that is
 * neither sealed, nor masked, nor empty (an empty value clears a password and tells nothing).
 */
export function carriesClearSecret(item: Pick<WpiItem, 'name' | 'value'>): boolean {
  return item.value !== null && item.value !== '' && item.value !== MASK && !isSealedValue(item.value) && isSealedItem(item.name);
}

/** Paths of the items that carry a secret in clear, for a publish-time refusal (none: []). */
export function clearSecretPaths(items: readonly Pick<WpiItem, 'name' | 'value'>[], at: string): string[] {
  const paths: string[] = [];
  items.forEach((item, i) => {
    if (carriesClearSecret(item)) paths.push(`${at}.${i}.value (${item.name})`);
  });
  return paths;
}
