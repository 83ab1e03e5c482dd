/**
 * Which IP addresses an outbound request may connect to. An allow-list, not a deny-list: IPv4 must be
 * ordinary unicast and IPv6 must be global unicast (2000::/3); everything else (private, loopback,
 * link-local, CGNAT, multicast, reserved, documentation, benchmarking, ...) is "private". IPv6 forms that
 * carry an IPv4 address (mapped, SIIT, NAT64, 6to4, Teredo) are judged by the IPv4 they carry, because
 * that is where the packets end up.
 *
 * @example classifyAddress('::ffff:127.0.0.1') // { kind: 'private', range: 'loopback' }
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type AddressClass = { kind: 'public' } | { kind: 'private'; range: string } | { kind: 'metadata' };

/**
 * Cloud instance-metadata endpoints. Blocked even when private networks are allowed: a developer
 * machine on a cloud VM would otherwise hand a tenant's tool the VM's credentials. 168.63.129.16 (Azure
 * WireServer) is a public-range address, so the private check alone would miss it.
 */
const METADATA_ADDRESSES = new Set(
  [
    '169.254.169.254', // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
    '169.254.170.2', // AWS ECS task metadata
    '169.254.169.123', // AWS time sync (same link-local service block)
    '100.100.100.200', // Alibaba Cloud
    '168.63.129.16', // Azure WireServer
    'fd00:ec2::254', // AWS IMDS over IPv6
    'fd00:ec2::23', // AWS DNS over IPv6
  ].map((a) => ipaddr.parse(a).toString()),
);

/** Host names that always mean a metadata service, refused before any DNS query. */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
]);

const privateRange = (range: string): AddressClass => ({ kind: 'private', range });

function classifyV4(ip: ipaddr.IPv4): AddressClass {
  if (METADATA_ADDRESSES.has(ip.toString())) return { kind: 'metadata' };
  const range = ip.range();
  return range === 'unicast' ? { kind: 'public' } : privateRange(range);
}

const v4FromWords = (hi: number, lo: number): ipaddr.IPv4 =>
  new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);

/** The worst of several verdicts: metadata > private > public. */
function worst(...classes: AddressClass[]): AddressClass {
  return classes.find((c) => c.kind === 'metadata') ?? classes.find((c) => c.kind === 'private') ?? { kind: 'public' };
}

function classifyV6(ip: ipaddr.IPv6): AddressClass {
  if (METADATA_ADDRESSES.has(ip.toString())) return { kind: 'metadata' };
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  const range = ip.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d — the kernel sends these to the IPv4 address
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
      return classifyV4(v4FromWords(p[6], p[7]));
    case 'rfc6052': {
      // 64:ff9b::/96 is well-known NAT64 (embedded IPv4 in the low 32 bits); 64:ff9b:1::/48 is for
      // local translators, i.e. a private network by definition.
      const wellKnown = p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
      return wellKnown ? classifyV4(v4FromWords(p[6], p[7])) : privateRange('nat64LocalUse');
    }
    case '6to4': // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
      return classifyV4(v4FromWords(p[1], p[2]));
    case 'teredo': // 2001:0:SERVER:SERVER:flags:port:~CLIENT:~CLIENT — both ends must be public
      return worst(classifyV4(v4FromWords(p[2], p[3])), classifyV4(v4FromWords(p[6] ^ 0xffff, p[7] ^ 0xffff)));
    case 'unicast':
      // ipaddr.js calls anything unlisted "unicast" (e.g. IPv4-compatible ::7f00:1, 4000::); only
      // 2000::/3 is globally routed unicast.
      return (p[0] & 0xe000) === 0x2000 ? { kind: 'public' } : privateRange('notGlobalUnicast');
    default:
      return privateRange(range);
  }
}

/**
 * Classifies one IP address (canonical or zone-scoped). Anything that is not a plain IP literal is
 * "private" so that a malformed resolver answer fails closed.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // net.isIP is strict (no 127.1 / 0x7f.1): that is what Node will actually connect to.
  // The zone (%eth0) does not change what the address is; drop it so metadata matching sees it too.
  const unscoped = bare.split('%')[0] ?? '';
  if (isIP(unscoped) === 0) return privateRange('invalid');
  try {
    const ip = ipaddr.parse(unscoped);
    return ip.kind() === 'ipv4' ? classifyV4(ip as ipaddr.IPv4) : classifyV6(ip as ipaddr.IPv6);
  } catch {
    return privateRange('invalid');
  }
}

/** Hostnames that are loopback by definition (RFC 6761), refused before DNS unless private is allowed. */
export function isLocalhostName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}
