// The networking part of a create request, as Compose's create.go builds it: NetworkMode and the endpoint of the
// primary network (highest priority, then name), the other networks to connect after create before API 1.44,
// links, and published and exposed ports.
import type { EndpointSettings, HostConfig, NetworkingConfig, PortBinding } from '../client/api-types.js';
import type { ServiceNetwork } from '../spec/model.js';
import type { SpecNotes } from './container-refs.js';
import { DEFAULT_API_VERSION, resolveServiceMode } from './container-refs.js';
import type { ContainerSpecInput, ExtraNetwork } from './container-spec.js';
import { asNumber, asString, asStringList, asStringMap, isApiAtLeast, sortKeys } from './model-values.js';

export interface ContainerNetworking {
  host: Pick<HostConfig, 'NetworkMode' | 'PortBindings' | 'Links'>;
  networkingConfig?: NetworkingConfig;
  /** Config.MacAddress: the primary network's MAC address before API 1.44. */
  macAddress?: string;
  exposedPorts?: Record<string, Record<string, never>>;
  extraNetworks: ExtraNetwork[];
}

export function containerNetworking(input: ContainerSpecInput, notes: SpecNotes): ContainerNetworking {
  const { service, stack } = input;
  const modern = isApiAtLeast(input.apiVersion ?? DEFAULT_API_VERSION, '1.44');
  const links = containerLinks(input);
  const out: ContainerNetworking = { host: {}, extraNetworks: [] };
  const ports = containerPorts(input);
  if (ports.exposed) out.exposedPorts = ports.exposed;
  if (ports.bindings) out.host.PortBindings = ports.bindings;
  const serviceMac = asString(service.mac_address);

  if (service.network_mode !== undefined) {
    out.host.NetworkMode = resolveServiceMode(service.network_mode, 'network_mode', input, notes);
    if (links) out.host.Links = links;
    // with network_mode there is no main network: Compose keeps mac_address only before API 1.44
    if (serviceMac && !modern) out.macAddress = serviceMac;
    return out;
  }
  if (Object.keys(stack.networks).length === 0) {
    out.host.NetworkMode = 'none';
    if (links) out.host.Links = links;
    return out;
  }

  const keys = networksByPriority(service.networks ?? {});
  const primary = keys[0] ?? 'default';
  const engineName = (key: string): string | undefined => input.networkNames[key] ?? stack.networks[key]?.name;
  const primaryName = engineName(primary);
  if (links) out.host.Links = links;
  if (primaryName === undefined) return out; // `networks: {}` and no default network: the Engine's default bridge

  const endpoints: Record<string, EndpointSettings> = {};
  const primaryEndpoint = endpointSettings(input, primary, links);
  if (modern) {
    if (!primaryEndpoint.MacAddress && serviceMac) primaryEndpoint.MacAddress = serviceMac;
  } else {
    const mac = primaryEndpoint.MacAddress || serviceMac;
    if (mac) out.macAddress = mac;
    if (serviceMac && primaryEndpoint.MacAddress && serviceMac !== primaryEndpoint.MacAddress) {
      notes.unsupported.push('mac_address'); // Compose: must equal the main network's mac_address
    }
  }
  endpoints[primaryName] = primaryEndpoint;
  for (const key of keys.slice(1)) {
    const name = engineName(key);
    if (name === undefined) continue;
    const endpoint = endpointSettings(input, key, links);
    if (modern) {
      endpoints[name] = endpoint;
      continue;
    }
    // Compose refuses a MAC address on more than one network before API 1.44
    if (endpoint.MacAddress) notes.unsupported.push(`networks.${key}.mac_address`);
    const extra: ExtraNetwork = { key, network: name, aliases: endpoint.Aliases ?? [], endpoint };
    if (endpoint.IPAMConfig?.IPv4Address) extra.ipv4Address = endpoint.IPAMConfig.IPv4Address;
    if (endpoint.IPAMConfig?.IPv6Address) extra.ipv6Address = endpoint.IPAMConfig.IPv6Address;
    out.extraNetworks.push(extra);
  }
  out.host.NetworkMode = primaryName;
  out.networkingConfig = { EndpointsConfig: endpoints };
  return out;
}

/** compose-go ServiceConfig.NetworksByPriority: priority descending, then key ascending. */
export function networksByPriority(networks: Record<string, ServiceNetwork | null>): string[] {
  const priority = (k: string): number => asNumber(networks[k]?.priority) ?? 0;
  return Object.keys(networks).sort((a, b) => priority(b) - priority(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Compose createEndpointSettings; aliases are [container name, service, ...aliases] (getAliases). */
function endpointSettings(input: ContainerSpecInput, key: string, links: string[] | undefined): EndpointSettings {
  const cfg = input.service.networks?.[key] ?? null;
  const aliases = [input.name];
  if (input.useNetworkAliases ?? !input.oneoff) {
    aliases.push(input.service.name, ...(asStringList(cfg?.aliases) ?? []));
  }
  const endpoint: EndpointSettings = { Aliases: aliases };
  if (links) endpoint.Links = links;
  if (!cfg) return endpoint;
  // Compose also copies the addresses into IPAddress and IPv6Gateway, which the Engine ignores on create
  const ipam: NonNullable<EndpointSettings['IPAMConfig']> = {};
  if (cfg.ipv4_address) ipam.IPv4Address = cfg.ipv4_address;
  if (cfg.ipv6_address) ipam.IPv6Address = cfg.ipv6_address;
  const linkLocal = asStringList(cfg.link_local_ips);
  if (linkLocal?.length) ipam.LinkLocalIPs = linkLocal;
  if (Object.keys(ipam).length > 0) endpoint.IPAMConfig = ipam;
  const mac = asString(cfg.mac_address);
  if (mac) endpoint.MacAddress = mac;
  const driverOpts = asStringMap(cfg.driver_opts);
  if (driverOpts && Object.keys(driverOpts).length > 0) endpoint.DriverOpts = driverOpts;
  const gwPriority = asNumber(cfg.gw_priority);
  if (gwPriority) endpoint.GwPriority = gwPriority;
  return endpoint;
}

/**
 * Compose getLinks (after docker-compose v1): each container of a linked service under the link's alias,
 * `service-N` and `project-service-N`, where N is this container's number (a v1 quirk kept by Compose);
 * external_links as written; a one-off container also links its own service's containers.
 */
function containerLinks(input: ContainerSpecInput): string[] | undefined {
  const { service, stack, number } = input;
  const containersOf = (svc: string): readonly string[] => {
    if (input.linkContainers) return input.linkContainers(svc);
    const one = input.serviceContainer(svc);
    return one === undefined ? [] : [one];
  };
  const links: string[] = [];
  for (const raw of asStringList(service.links) ?? []) {
    const [svc = '', alias = svc] = raw.split(':');
    for (const c of containersOf(svc)) {
      links.push(`${c}:${alias}`, `${c}:${svc}-${number}`, `${c}:${stack.name}-${svc}-${number}`);
    }
  }
  if (input.oneoff) {
    for (const c of containersOf(service.name)) {
      const short = c.startsWith(`${stack.name}-`) ? c.slice(stack.name.length + 1) : c;
      links.push(`${c}:${service.name}`, `${c}:${short}`, `${c}:${c}`);
    }
  }
  for (const raw of asStringList(service.external_links) ?? []) {
    const [container = '', alias = container] = raw.split(':');
    links.push(`${container}:${alias}`);
  }
  return links.length > 0 ? links : undefined;
}

/**
 * Compose buildContainerPorts and buildContainerPortBindingOptions: `expose` entries as written and each
 * port's "TARGET/PROTOCOL" are exposed; each port is bound to its host_ip ("" for all) and published port
 * ("" for a random one, or a range the Engine picks from). Keys are sorted for a stable request.
 */
function containerPorts(input: ContainerSpecInput): {
  exposed?: Record<string, Record<string, never>>;
  bindings?: Record<string, PortBinding[]>;
} {
  const exposed = new Set<string>(asStringList(input.service.expose) ?? []);
  const bindings: Record<string, PortBinding[]> = {};
  for (const p of input.service.ports ?? []) {
    const key = `${p.target}/${p.protocol}`;
    exposed.add(key);
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  return {
    ...(exposed.size > 0 ? { exposed: sortKeys(Object.fromEntries([...exposed].map((k) => [k, {}]))) } : {}),
    ...(Object.keys(bindings).length > 0 ? { bindings: sortKeys(bindings) } : {}),
  };
}
