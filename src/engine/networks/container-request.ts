// What a container asks of networks (HostConfig.NetworkMode, NetworkingConfig.EndpointsConfig, the body of
// /networks/{id}/connect), checked against Docker's rules and turned into berth's ContainerNetworks (pure; the
// lookups of networks and containers are passed in).
import { EngineError } from '../errors.js';
import { contains, parseCidr, parseIp } from './ipam.js';
import type { ContainerNetworks, EndpointRequest, NetworkRecord } from './types.js';

/** Docker's EndpointSettings, the fields berth uses. */
export interface EndpointSettings {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
  NetworkID?: string;
}

export interface Lookups {
  network: (ref: string) => NetworkRecord; // throws not-found
  containerId: (ref: string) => string; // throws not-found
}

function conflict(code: string, message: string): EngineError {
  return new EngineError('invalid', code, message);
}

/** One endpoint on `n`: aliases and a static address are for user networks only, as in Docker. */
export function endpointRequest(n: NetworkRecord, settings: EndpointSettings | undefined): EndpointRequest {
  const aliases = [...new Set((settings?.Aliases ?? []).filter((a) => a !== ''))];
  const ipv4 = settings?.IPAMConfig?.IPv4Address || undefined;
  if (n.driver !== 'bridge') {
    throw conflict('ENGINE_NETWORK_MODE', `container cannot be connected to the ${n.name} network with other networks`);
  }
  if (n.name === 'bridge' && aliases.length > 0) {
    throw conflict(
      'ENGINE_ALIAS_DEFAULT_BRIDGE',
      'network-scoped alias is supported only for containers in user defined networks',
    );
  }
  if (ipv4 !== undefined) {
    if (n.name === 'bridge' || n.ipamRequest.every((p) => !p.Subnet)) {
      throw conflict(
        'ENGINE_STATIC_IP',
        'user specified IP address is supported only when connecting to networks with user configured subnets',
      );
    }
    const ip = parseIp(ipv4);
    const subnet = parseCidr(n.subnet ?? '');
    if (ip === undefined || !subnet || !contains(subnet, ip)) {
      throw conflict(
        'ENGINE_STATIC_IP',
        `Invalid address ${ipv4}: It does not belong to any of this network's subnets`,
      );
    }
  }
  return { networkId: n.id, aliases, ...(ipv4 ? { ipv4Address: ipv4 } : {}) };
}

/** A new container's networks from its HostConfig.NetworkMode and NetworkingConfig. Throws EngineError. */
export function containerNetworks(
  host: Record<string, unknown>,
  networkingConfig: unknown,
  lookups: Lookups,
): ContainerNetworks {
  const mode = String(host.NetworkMode ?? '');
  const raw = (networkingConfig as { EndpointsConfig?: Record<string, EndpointSettings> } | null | undefined)
    ?.EndpointsConfig;
  // The docker CLI keys the endpoint of `docker run` without --network as "default", the NetworkMode it sends.
  const configs = Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k === 'default' ? 'bridge' : k, v]));
  // Published ports are ignored with host and none, as dockerd ignores them (with a warning).
  if (mode === 'host' || mode === 'none') return { mode, endpoints: [] };
  if (mode.startsWith('container:')) {
    return { mode: 'container', container: lookups.containerId(mode.slice('container:'.length)), endpoints: [] };
  }
  const primary = lookups.network(mode === '' || mode === 'default' ? 'bridge' : mode);
  if (primary.driver === 'host' || primary.driver === 'null') {
    return { mode: primary.driver === 'host' ? 'host' : 'none', endpoints: [] };
  }
  const endpoints: EndpointRequest[] = [];
  const settingsFor = (n: NetworkRecord): EndpointSettings | undefined =>
    configs[n.name] ?? configs[n.id] ?? Object.entries(configs).find(([k]) => n.id.startsWith(k))?.[1];
  endpoints.push(endpointRequest(primary, settingsFor(primary)));
  for (const key of Object.keys(configs)) {
    const n = lookups.network(key);
    if (!endpoints.some((e) => e.networkId === n.id)) endpoints.push(endpointRequest(n, configs[key]));
  }
  return { mode: 'bridge', endpoints };
}
