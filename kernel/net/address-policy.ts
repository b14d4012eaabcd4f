import { BlockList, isIP } from 'node:net';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { CloveError } from '../../sdk/errors.js';

/**
 * Which network addresses HTTP made on an agent's behalf may reach. Loopback, private,
 * link-local, carrier-grade NAT, multicast, documentation, benchmarking and other special ranges
 * of IPv4 and IPv6 are refused (the SSRF rule of every forward proxy): the kernel runs on the host,
 * so an agent in its own network namespace would otherwise reach the host's own services through
 * it. IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible, NAT64 and 6to4 addresses are judged by the
 * IPv4 address they carry.
 */
const SPECIAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  SPECIAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  SPECIAL.addSubnet(net, prefix, 'ipv6');
}

/** Expands an IPv6 address to its eight 16-bit groups. */
function groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    tail.push((parts[0]! << 8) | parts[1]!, (parts[2]! << 8) | parts[3]!);
    text = text.slice(0, -dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []);
  const left = parse(head);
  const right = [...parse(rest), ...tail];
  if (rest === undefined) return [...left, ...tail];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | undefined {
  const g = groups(address);
  if (g.length !== 8) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!); // ::a.b.c.d (deprecated compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return undefined;
}

/** Why an address is special (not on the public internet), or undefined when it is public. */
export function specialAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return SPECIAL.check(address, 'ipv4') ? `${address} is a loopback, private, link-local or otherwise special IPv4 address` : undefined;
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4 !== undefined) {
      const inner = specialAddress(v4);
      return inner ? `${address} carries ${v4}: ${inner}` : undefined;
    }
    return SPECIAL.check(address, 'ipv6') ? `${address} is a loopback, unique-local, link-local or otherwise special IPv6 address` : undefined;
  }
  return `${address} is not an IP address`;
}

/** An address a request may not connect to; carries what was refused (the HTTP syscall words it as PERM_DENIED). */
export class AddressBlockedError extends CloveError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(ErrorCode.PERMISSION_DENIED, `${host} resolves to ${address}: ${reason}`, { rule: 'http.addresses', reason: `${host} resolves to ${address}: ${reason}` });
  }
}
