/** Siemens OUI seen on OpenStage phones (protocol.md §7.1). */
export const SIEMENS_OUI = '00:1A:E8';

const NIC_SPACE = 0x1000000;

/** `prefix` is an OUI (`00:1A:E8`); `nic` is taken modulo 2^24 so any counter works. */
export function macAddress(prefix: string, nic: number): string {
  const oui = prefix.toUpperCase();
  if (!/^[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}$/.test(oui)) throw new Error(`invalid OUI: ${prefix}`);
  const value = ((nic % NIC_SPACE) + NIC_SPACE) % NIC_SPACE;
  const bytes = [value >>> 16, (value >>> 8) & 0xff, value & 0xff];
  return `${oui}:${bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':')}`;
}

/** Splits a full MAC into its OUI and NIC number, the inverse of macAddress. */
export function splitMac(mac: string): { prefix: string; nic: number } {
  const upper = mac.toUpperCase();
  if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(upper)) throw new Error(`invalid MAC address: ${mac}`);
  return { prefix: upper.slice(0, 8), nic: parseInt(upper.slice(9).replace(/:/g, ''), 16) };
}

/** Distinct phones in one storm need distinct NICs; only 2^24 exist under one OUI. */
export const MAX_PHONES_PER_OUI = NIC_SPACE;
