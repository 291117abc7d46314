import { describe, expect, it } from 'vitest';
import {
  contains,
  formatCidr,
  formatIp,
  overlaps,
  parseCidr,
  parseIp,
  pickAddress,
  pickSubnet,
} from '../../../src/engine/networks/ipam.js';

const cidr = (t: string) => parseCidr(t) as NonNullable<ReturnType<typeof parseCidr>>;

describe('ipam', () => {
  it('parses and formats IPv4 addresses and subnets, masking host bits', () => {
    expect(formatIp(parseIp('10.1.2.3') as number)).toBe('10.1.2.3');
    expect(parseIp('10.1.2')).toBeUndefined();
    expect(parseIp('10.1.2.256')).toBeUndefined();
    expect(formatCidr(cidr('10.1.2.3/24'))).toBe('10.1.2.0/24');
    expect(parseCidr('fd00::/64')).toBeUndefined();
  });

  it('tells overlapping subnets and contained addresses', () => {
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.5.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(contains(cidr('192.168.1.0/24'), parseIp('192.168.1.77') as number)).toBe(true);
  });

  it('a new subnet must avoid every taken one, the host routes included', () => {
    expect(formatCidr(pickSubnet([]) as never)).toBe('172.17.0.0/16');
    const taken = [cidr('172.17.0.0/16'), cidr('172.18.5.0/24')];
    expect(formatCidr(pickSubnet(taken) as never)).toBe('172.19.0.0/16');
    const all172 = Array.from({ length: 15 }, (_, i) => cidr(`172.${17 + i}.0.0/16`));
    expect(formatCidr(pickSubnet([...all172, cidr('192.168.0.0/24')]) as never)).toBe('192.168.16.0/20');
  });

  it('addresses skip the network, broadcast and used ones, and stay in the ip-range', () => {
    const s = cidr('10.9.0.0/29');
    const used = new Set([parseIp('10.9.0.1') as number]);
    expect(formatIp(pickAddress(s, used) as number)).toBe('10.9.0.2');
    expect(formatIp(pickAddress(s, used, cidr('10.9.0.4/30')) as number)).toBe('10.9.0.4');
    const full = new Set([1, 2, 3, 4, 5, 6].map((i) => parseIp(`10.9.0.${i}`) as number));
    expect(pickAddress(s, full)).toBeUndefined();
  });
});
