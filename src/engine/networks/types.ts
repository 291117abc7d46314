// The data berthd keeps about networks and about the networks of each container. Plain JSON, persisted by
// network-store.ts; the Docker JSON shapes are made from it in network-json.ts.
import type { PortMapping } from './netavark.js';

/** Docker's three predefined networks; the other networks are user-defined bridges. */
export const PREDEFINED = ['bridge', 'host', 'none'] as const;

/**
 * One network. `driver` is "bridge" for the default network and every user network, "host" and "null" for the
 * predefined ones. A user network has its subnet and Linux bridge from create on (the bridge reserves them
 * host-wide); the default "bridge" gets both at its first container and gives them back after its last.
 */
export interface NetworkRecord {
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null';
  created: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** IPAM as the client asked for it (`Subnet`, `Gateway`, `IPRange`); empty: berthd chose. */
  ipamRequest: { Subnet?: string; Gateway?: string; IPRange?: string }[];
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  /** The Linux bridge (at most 15 characters). */
  bridge?: string;
  dnsEnabled: boolean;
  mtu?: number;
  /** Removed as clients see it; its bridge and rules are still to be torn down (network-store.ts). */
  removing?: true;
}

/** What a container asked for on one network (HostConfig.NetworkMode, NetworkingConfig, /networks/connect). */
export interface EndpointRequest {
  networkId: string;
  aliases: string[];
  ipv4Address?: string;
}

/**
 * A container's networks, kept in its record (`attachments.network`). `mode`: the default bridge or user networks
 * ("bridge"), no network ("none"), the host's namespace ("host"), or another container's ("container").
 */
export interface ContainerNetworks {
  mode: 'bridge' | 'none' | 'host' | 'container';
  /** For mode "container": the id of the container whose namespace it joins. */
  container?: string;
  /** In the order they were attached; the first carries the published ports and the default route. */
  endpoints: EndpointRequest[];
}

/** One network set up in a running container's namespace, with netavark's input so that it can be undone. */
export interface ActiveEndpoint {
  networkId: string;
  interfaceName: string;
  endpointId: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  aliases: string[];
  dnsServers: string[];
  /** The netavark setup input, given again to teardown. */
  netavarkInput: string;
  /** The host's end of berthd's own veth pair (veth.ts), on the bridge; netavark's pairs have none here. */
  hostInterface?: string;
}

/** A running container's network state: its namespace file, endpoints, published ports and /etc files. */
export interface ActiveContainer {
  containerId: string;
  netns: string;
  endpoints: ActiveEndpoint[];
  /** The published ports, host ports chosen. */
  published: PortMapping[];
  hosts?: string;
  resolvConf?: string;
}
