// IPv4 address management, pure: CIDR parsing, overlap tests, a free subnet from the default pools, a free address
// in a subnet. The shell (host-net.ts) supplies what is taken on the host; network-store.ts what berthd has given.
import { EngineError } from '../errors.js';

/** An IPv4 subnet: `base` is the network address as an unsigned 32-bit number, `prefix` 0..32. */
export interface Cidr {
  base: number;
  prefix: number;
}

/** Docker's default address pools: 172.17-31.0.0/16, then 192.168.0.0/16 cut into /20s. */
export const DEFAULT_POOLS: readonly { pool: string; size: number }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ pool: `172.${17 + i}.0.0/16`, size: 16 })),
  { pool: '192.168.0.0/16', size: 20 },
];

export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.1.2.0/24" (a host address is accepted and masked, as Docker does); undefined when it is not IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, len, ...rest] = text.split('/');
  const base = parseIp(ip ?? '');
  const prefix = len === undefined ? 32 : Number(len);
  if (base === undefined || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return { base: (base & mask(prefix)) >>> 0, prefix };
}

export function mustParseCidr(text: string, what: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new EngineError('invalid', 'ENGINE_BAD_SUBNET', `invalid ${what} "${text}": not an IPv4 CIDR`);
  return c;
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function contains(c: Cidr, ip: number): boolean {
  return (ip & mask(c.prefix)) >>> 0 === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** The first subnet of the default pools that overlaps none of `taken`. */
export function pickSubnet(taken: readonly Cidr[], pools = DEFAULT_POOLS): Cidr | undefined {
  for (const { pool, size: prefix } of pools) {
    const p = parseCidr(pool) as Cidr;
    const step = 2 ** (32 - prefix);
    for (let base = p.base; base < p.base + size(p); base += step) {
      const c = { base: base >>> 0, prefix };
      if (!taken.some((t) => overlaps(t, c))) return c;
    }
  }
  return undefined;
}

/** The gateway Docker gives a subnet when none is asked for: its first host address. */
export function defaultGateway(c: Cidr): number {
  return c.prefix >= 31 ? c.base : c.base + 1;
}

/**
 * The lowest address of `range` (default: the subnet) that is not in `used`, not the network or broadcast
 * address, and inside the subnet; undefined when the range is full.
 */
export function pickAddress(subnet: Cidr, used: ReadonlySet<number>, range?: Cidr): number | undefined {
  const from = range ?? subnet;
  const last = from.base + size(from) - 1;
  const broadcast = subnet.base + size(subnet) - 1;
  for (let ip = from.base; ip <= last; ip++) {
    if (subnet.prefix < 31 && (ip === subnet.base || ip === broadcast)) continue;
    if (!used.has(ip) && contains(subnet, ip)) return ip;
  }
  return undefined;
}
