// Which network addresses a webhook may reach: public unicast only, every other range named.
import { BlockList, isIP } from 'node:net';

/** Why an address is not a public internet address. */
export type BlockedRange =
  | 'not an IP address'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'cloud metadata'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

type Rule = [BlockedRange, string, number];

// Ordered: the first match names the range (metadata sits inside link-local and CGNAT ranges).
const V4_RULES: Rule[] = [
  ['cloud metadata', '169.254.169.254', 32],
  ['cloud metadata', '100.100.100.200', 32],
  ['unspecified', '0.0.0.0', 8],
  ['loopback', '127.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['carrier-grade NAT', '100.64.0.0', 10],
  ['link-local', '169.254.0.0', 16],
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  // IETF protocol assignments, documentation, 6to4 relay anycast, benchmarking, future use.
  ['reserved', '192.0.0.0', 24],
  ['reserved', '192.0.2.0', 24],
  ['reserved', '192.88.99.0', 24],
  ['reserved', '198.18.0.0', 15],
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '240.0.0.0', 4],
];

// Only global unicast (2000::/3) may be public; these are the special ranges inside it, plus the
// ranges outside it that deserve their own name. Prefixes that embed an IPv4 address are handled apart.
const V6_RULES: Rule[] = [
  ['cloud metadata', 'fd00:ec2::254', 128],
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['private', 'fc00::', 7],
  // Site-local (deprecated, RFC 3879) and local-use NAT64 (RFC 8215) stay inside a network.
  ['private', 'fec0::', 10],
  ['private', '64:ff9b:1::', 48],
  ['link-local', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
  // Teredo, benchmarking, ORCHID, documentation, discard-only.
  ['reserved', '2001::', 32],
  ['reserved', '2001:2::', 48],
  ['reserved', '2001:10::', 28],
  ['reserved', '2001:20::', 28],
  ['reserved', '2001:db8::', 32],
  ['reserved', '3fff::', 20],
  ['reserved', '100::', 64],
];

function compile(rules: Rule[], family: 'ipv4' | 'ipv6'): [BlockedRange, BlockList][] {
  return rules.map(([name, net, prefix]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return [name, list];
  });
}

const V4 = compile(V4_RULES, 'ipv4');
const V6 = compile(V6_RULES, 'ipv6');
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

function firstMatch(rules: [BlockedRange, BlockList][], address: string, family: 'ipv4' | 'ipv6'): BlockedRange | null {
  for (const [name, list] of rules) if (list.check(address, family)) return name;
  return null;
}

/**
 * The eight 16-bit groups of an IPv6 address. The WHATWG URL parser writes every spelling (a dotted
 * tail, leading zeros, upper case) in one canonical form, so only '::' is left to expand here.
 */
function ipv6Groups(address: string): number[] | null {
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head, tail] = canonical.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address stands for, when its prefix says it carries one. */
function embeddedIpv4(g: number[]): string | null {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
  if (zero(0, 5) && g[5] === 0xffff) return v4Of(g[6], g[7]);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Of(g[6], g[7]);
  // NAT64 well-known prefix 64:ff9b::/96: the gateway connects to the embedded address.
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4Of(g[6], g[7]);
  // 6to4 2002:a.b.c.d::/48: relays route to the embedded address.
  if (g[0] === 0x2002) return v4Of(g[1], g[2]);
  return null;
}

/**
 * Null when the address is a public internet address a webhook may reach; otherwise the kind of
 * range it belongs to. Anything that is not a plain IP address is refused.
 */
export function blockedRange(address: string): BlockedRange | null {
  const family = isIP(address);
  if (family === 4) return firstMatch(V4, address, 'ipv4');
  if (family !== 6) return 'not an IP address';
  // A zone index ("fe80::1%eth0") only ever names a local interface.
  if (address.includes('%')) return 'link-local';
  const g = ipv6Groups(address);
  if (!g) return 'not an IP address';
  const v4 = embeddedIpv4(g);
  if (v4) return blockedRange(v4);
  const named = firstMatch(V6, address, 'ipv6');
  if (named) return named;
  // IPv4-compatible ::a.b.c.d (deprecated) and everything else outside global unicast.
  return GLOBAL_UNICAST.check(address, 'ipv6') ? null : 'reserved';
}

/** Host names that are loopback by definition (RFC 6761), whatever a resolver says. */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.+$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * A link a tenant gives us to hand to people (a video room base): without credentials, and its host
 * not an address or name that is local, private or reserved (the same ranges webhooks may not reach).
 */
export function isPublicLink(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return blockedRange(host) === null;
  return !isLocalhostName(host);
}
