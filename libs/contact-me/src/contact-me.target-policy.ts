import { BlockList, isIP } from 'node:net';
import { parseContactMeTarget, type ParsedContactMeTarget } from './contact-me.target';

type Family = 'ipv4' | 'ipv6';

/** Address classes no contact-me request ever goes to, allow-listed or not, in the order they are named. */
const NEVER: ReadonlyArray<{ readonly name: string; readonly addresses?: ReadonlyArray<[string, Family]>; readonly subnets?: ReadonlyArray<[string, number, Family]> }> = [
  // Cloud instance metadata (AWS, GCP, Azure, OpenStack; AWS on IPv6; Alibaba): credentials live there.
  { name: 'cloud metadata address', addresses: [['169.254.169.254', 'ipv4'], ['fd00:ec2::254', 'ipv6'], ['100.100.100.200', 'ipv4']] },
  { name: 'link-local address', subnets: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']] },
  { name: 'multicast address', subnets: [['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']] },
  { name: 'broadcast address', addresses: [['255.255.255.255', 'ipv4']] },
  // 0.0.0.0/8 is "this network": Linux connects 0.0.0.0 to the local host.
  { name: 'unspecified address', subnets: [['0.0.0.0', 8, 'ipv4']], addresses: [['::', 'ipv6']] },
];

const LOOPBACK = blockList([], [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]);
const NEVER_LISTS = NEVER.map((c) => ({ name: c.name, list: blockList(c.addresses ?? [], c.subnets ?? []) }));

/**
 * Decides whether a phone's `contact-me-uri` may be asked, given the source address of the
 * phone's own requests and the operator's allow-list (`CONTACT_ME_ALLOWED_NETWORKS`):
 *
 * 1. The URI must parse (`parseContactMeTarget`: http:, no credentials, an IP literal host,
 *    default path filled in).
 * 2. Never metadata, link-local, multicast, broadcast or unspecified addresses, even when
 *    allow-listed or equal to the source address.
 * 3. Loopback only when it is the phone's own source address (the phone simulator and the
 *    tests run on 127.0.0.1); an allow-list entry does not open it.
 * 4. Otherwise the host must be the phone's source address, or inside an allowed network
 *    (relays, NAT: where the phone's contact-me address is not the address it calls from).
 *
 * Addresses are compared and classified with `node:net` `BlockList`, which also matches an
 * IPv4-mapped IPv6 address (`::ffff:169.254.169.254`, `::ffff:a9fe:a9fe`) against IPv4 rules,
 * so a mapped spelling neither hides a forbidden address nor fails to equal the source.
 */
export class ContactMeTargetPolicy {
  private readonly allowed: BlockList;

  /** `allowedNetworks`: CIDRs (`10.20.0.0/16`, `2001:db8::/48`) or single addresses; a bad entry throws. */
  constructor(readonly allowedNetworks: readonly string[] = []) {
    this.allowed = new BlockList();
    for (const entry of allowedNetworks) {
      const { address, prefix, family } = parseNetwork(entry);
      this.allowed.addSubnet(address, prefix, family);
    }
  }

  decide(uri: string, sourceAddress: string | null | undefined): ParsedContactMeTarget {
    const parsed = parseContactMeTarget(uri);
    if (!parsed.ok) return parsed;
    const host = parsed.target.host;
    const family = familyOf(host)!;
    for (const never of NEVER_LISTS) if (never.list.check(host, family)) return refused(`${never.name} ${host}`);
    if (sourceAddress != null && sameAddress(sourceAddress, host, family)) return parsed;
    if (LOOPBACK.check(host, family)) return refused(`loopback ${host} is not the phone's address`);
    if (this.allowed.check(host, family)) return parsed;
    return refused(`${host} is neither the phone's address nor allow-listed`);
  }
}

/** Parses one allow-list entry; throws a RangeError naming the entry when it is not a CIDR or address. */
export function parseNetwork(entry: string): { address: string; prefix: number; family: Family } {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const family = familyOf(address);
  const max = family === 'ipv6' ? 128 : 32;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (family === undefined || rest.length > 0 || !(prefix >= 0 && prefix <= max)) {
    throw new RangeError(`not a network (CIDR like 10.20.0.0/16 or an IP address): ${JSON.stringify(entry.slice(0, 64))}`);
  }
  return { address, prefix, family };
}

/** Whether `host` is the source address; a source that is no plain IP address (a zone id, junk) equals nothing. */
function sameAddress(source: string, host: string, family: Family): boolean {
  const sourceFamily = familyOf(source);
  if (sourceFamily === undefined) return false;
  const list = new BlockList();
  try {
    list.addAddress(source, sourceFamily);
  } catch {
    return false;
  }
  return list.check(host, family);
}

function refused(reason: string): ParsedContactMeTarget {
  return { ok: false, reason };
}

function familyOf(address: string): Family | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

function blockList(addresses: ReadonlyArray<readonly [string, Family]>, subnets: ReadonlyArray<readonly [string, number, Family]>): BlockList {
  const list = new BlockList();
  for (const [address, family] of addresses) list.addAddress(address, family);
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}
