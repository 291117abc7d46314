// Network records and running containers' endpoints as the network store holds them, for the name server's tests.
import type { ActiveContainer, NetworkRecord } from '../../../src/engine/networks/types.js';

/** A bridge network (names on unless `dnsEnabled` is false), its subnet the /24 of `gateway`. */
export function network(name: string, gateway: string, dnsEnabled = true): NetworkRecord {
  return {
    id: `id-${name}`,
    name,
    driver: 'bridge',
    created: '2026-12-03T00:00:00Z',
    internal: false,
    attachable: false,
    labels: {},
    options: {},
    ipamRequest: [],
    gateway,
    subnet: `${gateway.replace(/\.1$/, '.0')}/24`,
    dnsEnabled,
  };
}

/** A running container on networks given as [network, address, aliases], with its HostConfig.Dns. */
export function container(id: string, name: string, on: [NetworkRecord, string, string[]][], dns: string[] = []) {
  return {
    containerId: id,
    netns: `/ns/${id}`,
    published: [],
    endpoints: on.map(([n, ip, aliases]) => ({
      networkId: n.id,
      interfaceName: 'eth0',
      endpointId: 'e',
      ip,
      prefixLen: 24,
      gateway: n.gateway as string,
      mac: '',
      aliases,
      dnsServers: [],
      netavarkInput: JSON.stringify({ container_id: id, container_name: name, dns_servers: dns }),
    })),
  } satisfies ActiveContainer;
}
