/**
 * WPI items whose values are secrets (passwords, PINs, private keys). The explicit list
 * comes from the item catalogue; the pattern catches variants the catalogue does not list
 * yet (e.g. `line-sip-pwd`, future `*-password` items), erring on the side of masking.
 */
export const SECRET_ITEMS: ReadonlySet<string> = new Set([
  'sip-pwd',
  'admin-pwd',
  'admin-pwd-unicode',
  'user-pwd',
  'user-pwd-unicode',
  'ssh-password',
  'wbm-server-certificate',
  'restart-password',
  'cloud-pin-value',
  'ldap-pwd',
  'send-url-passwd',
  'line-sip-pwd',
  'file-pwd',
  'secure-mode-data',
  'dls-client-certificate',
  'bootstrapping-tan',
  'snmp-trap-pwd',
  'diagnostic-trap-pwd',
  'qdc-trap-pwd',
  'snmp-pwd',
]);
export const SECRET_ITEM_PATTERN = /(pwd|passw|secret|pin-value|private|tan$)/i;

export function isSecretItem(name: string): boolean {
  return SECRET_ITEMS.has(name) || SECRET_ITEM_PATTERN.test(name);
}

/** Field names whose values never reach a log line. */
const SECRET_FIELD_PATTERN = /(password|passwd|pwd|secret|token|authorization|cookie|api[-_]?key|private[-_]?key)/i;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD_PATTERN.test(name);
}
