// Docker's JSON for networks (list and inspect) and for a container's NetworkSettings, pure, from berth's records.
import type { ContainerRecord } from '../containers/container-store.js';
import { portsJson } from './ports.js';
import type { ActiveContainer, ActiveEndpoint, ContainerNetworks, NetworkRecord } from './types.js';

/** A container attached to a network, as the network's inspect lists it. */
export interface AttachedContainer {
  id: string;
  name: string;
  endpoint: ActiveEndpoint;
}

/** GET /networks/{id} (and each item of GET /networks, with `containers` empty). */
export function networkJson(n: NetworkRecord, containers: readonly AttachedContainer[]): unknown {
  const config = n.subnet
    ? [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }]
    : n.ipamRequest;
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: n.driver === 'bridge' ? config : [] },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(
      containers.map((c) => [
        c.id,
        {
          Name: c.name,
          EndpointID: c.endpoint.endpointId,
          MacAddress: c.endpoint.mac,
          IPv4Address: `${c.endpoint.ip}/${c.endpoint.prefixLen}`,
          IPv6Address: '',
        },
      ]),
    ),
    Options: n.options,
    Labels: n.labels,
  };
}

function endpointJson(
  c: ContainerRecord,
  req: { aliases: string[]; ipv4Address?: string } | undefined,
  n: NetworkRecord | undefined,
  e: ActiveEndpoint | undefined,
): Record<string, unknown> {
  const userNetwork = n !== undefined && n.name !== 'bridge' && n.driver === 'bridge';
  return {
    IPAMConfig: req?.ipv4Address ? { IPv4Address: req.ipv4Address } : null,
    Links: null,
    Aliases: userNetwork ? [...new Set([...(req?.aliases ?? []), c.id.slice(0, 12)])] : null,
    NetworkID: n?.id ?? '',
    EndpointID: e?.endpointId ?? '',
    Gateway: e?.gateway ?? '',
    IPAddress: e?.ip ?? '',
    IPPrefixLen: e?.prefixLen ?? 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    MacAddress: e?.mac ?? '',
    DriverOpts: null,
  };
}

/** inspect's NetworkSettings. The top-level address fields describe the default bridge only, as in Docker. */
export function settingsJson(opts: {
  container: ContainerRecord;
  desired: ContainerNetworks;
  active: ActiveContainer | undefined;
  network: (id: string) => NetworkRecord | undefined;
  exposed: readonly string[];
}): unknown {
  const { container: c, desired, active } = opts;
  const networks: Record<string, unknown> = {};
  if (desired.mode === 'host' || desired.mode === 'none') {
    networks[desired.mode] = endpointJson(c, undefined, opts.network(desired.mode), undefined);
  }
  for (const req of desired.endpoints) {
    const n = opts.network(req.networkId);
    const e = active?.endpoints.find((x) => x.networkId === req.networkId);
    networks[n?.name ?? req.networkId] = endpointJson(c, req, n, e);
  }
  const bridge = active?.endpoints.find((e) => opts.network(e.networkId)?.name === 'bridge');
  return {
    Bridge: '',
    SandboxID: active ? c.id : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: desired.mode === 'bridge' ? portsJson(opts.exposed, active?.published ?? []) : {},
    SandboxKey: active?.netns ?? '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.endpointId ?? '',
    Gateway: bridge?.gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.ip ?? '',
    IPPrefixLen: bridge?.prefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridge?.mac ?? '',
    Networks: networks,
  };
}
