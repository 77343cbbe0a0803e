import { isIPv4 } from 'node:net';

/**
 * One spelling per source address, so that the same phone is the same key whichever way its
 * socket reported it: a dual-stack listener reports IPv4 peers as IPv4-mapped IPv6
 * (`::ffff:192.0.2.7`), an IPv4 listener as `192.0.2.7`; IPv6 hex digits in lower case.
 */
export function normaliseSourceAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  return lower;
}
