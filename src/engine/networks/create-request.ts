// POST /networks/create's body, checked and normalized (pure). berthd has the bridge driver only, IPv4 only, and
// one IPAM pool per network.
import { EngineError } from '../errors.js';
import type { Cidr } from './ipam.js';
import { contains, formatCidr, formatIp, mustParseCidr, parseIp } from './ipam.js';

/** The request as Docker clients send it. */
export interface NetworkCreateRequest {
  Name?: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface CheckedCreate {
  name: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipamRequest: { Subnet?: string; Gateway?: string; IPRange?: string }[];
  subnet?: Cidr;
  gateway?: string;
  ipRange?: string;
  bridgeName?: string;
  mtu?: number;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MTU_OPTION = 'com.docker.network.driver.mtu';
export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

function invalid(code: string, message: string, hint?: string): EngineError {
  return new EngineError('invalid', code, message, { hint });
}

/** Throws EngineError `invalid` (ENGINE_NETWORK_DRIVER, ENGINE_BAD_SUBNET, ...) for what berthd cannot do. */
export function checkCreateRequest(body: NetworkCreateRequest): CheckedCreate {
  const name = body.Name ?? '';
  if (!NAME.test(name)) throw invalid('ENGINE_BAD_NETWORK_NAME', `invalid network name "${name}"`);
  const driver = body.Driver || 'bridge';
  if (driver !== 'bridge') {
    throw invalid(
      'ENGINE_NETWORK_DRIVER',
      `network driver "${driver}" is not supported by berthd`,
      'use the "bridge" driver',
    );
  }
  if (body.EnableIPv6 === true)
    throw invalid('ENGINE_NO_IPV6', 'berthd networks are IPv4 only: EnableIPv6 is not supported');
  if (body.Ingress === true)
    throw invalid('ENGINE_NO_INGRESS', 'ingress networks need swarm mode, which berthd has not');
  const ipamDriver = body.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default')
    throw invalid('ENGINE_IPAM_DRIVER', `IPAM driver "${ipamDriver}" is not supported by berthd`);
  const pools = (body.IPAM?.Config ?? []).filter((c) => !(c.Subnet ?? '').includes(':'));
  if (pools.length > 1)
    throw invalid('ENGINE_IPAM_POOLS', 'berthd networks have one IPv4 subnet: give at most one IPAM config');
  const options = { ...(body.Options ?? {}) };
  const out: CheckedCreate = {
    name,
    internal: body.Internal === true,
    attachable: body.Attachable === true,
    labels: { ...(body.Labels ?? {}) },
    options,
    ipamRequest: pools.map((p) => ({ ...p })),
  };
  const pool = pools[0];
  if (pool?.Subnet) {
    out.subnet = mustParseCidr(pool.Subnet, 'subnet');
    if (out.subnet.prefix > 30) throw invalid('ENGINE_BAD_SUBNET', `subnet ${pool.Subnet} is too small`);
    if (pool.Gateway) {
      const gw = parseIp(pool.Gateway);
      if (gw === undefined || !contains(out.subnet, gw)) {
        throw invalid(
          'ENGINE_BAD_GATEWAY',
          `invalid gateway ${pool.Gateway}: not an address of subnet ${formatCidr(out.subnet)}`,
        );
      }
      out.gateway = formatIp(gw);
    }
    if (pool.IPRange) {
      const range = mustParseCidr(pool.IPRange, 'ip-range');
      if (range.prefix < out.subnet.prefix || !contains(out.subnet, range.base)) {
        throw invalid('ENGINE_BAD_IP_RANGE', `ip-range ${pool.IPRange} is not inside subnet ${formatCidr(out.subnet)}`);
      }
      out.ipRange = formatCidr(range);
    }
  } else if (pool?.Gateway || pool?.IPRange) {
    throw invalid('ENGINE_BAD_SUBNET', 'a gateway or ip-range needs a subnet');
  }
  const mtu = options[MTU_OPTION];
  if (mtu !== undefined) {
    const n = Number(mtu);
    if (!Number.isInteger(n) || n < 68 || n > 65535) throw invalid('ENGINE_BAD_MTU', `invalid MTU "${mtu}"`);
    out.mtu = n;
  }
  const bridge = options[BRIDGE_NAME_OPTION];
  if (bridge !== undefined) {
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(bridge)) {
      throw invalid(
        'ENGINE_BAD_BRIDGE_NAME',
        `invalid bridge name "${bridge}": at most 15 letters, digits, "_", "." or "-"`,
      );
    }
    out.bridgeName = bridge;
  }
  return out;
}
