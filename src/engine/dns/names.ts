// Which answer berthd's name server gives, pure: from the networks and the endpoints of running containers, a
// question asked on a network's gateway by one of its containers gets that network's names, as dockerd's embedded
// DNS scopes them: the asker sees the containers of every network it is on, and a name is looked up network by
// network in the order of their names, the first network that has it giving the answer. What no container is
// called goes to the upstream resolvers: the asker's own (HostConfig.Dns), or the host's.
import type { ActiveContainer, NetworkRecord } from '../networks/types.js';

/** One container on one network with names, as the name server sees it. */
export interface NameEntry {
  containerId: string;
  networkId: string;
  ip: string;
  /** The container's name first, then its aliases (hostname, short id, Compose's service name), lower case. */
  names: string[];
  /** HostConfig.Dns: where its questions for other names go; empty means the host's resolvers. */
  upstream: string[];
}

/** What the name server knows: the networks with names, by gateway, and their running containers. */
export interface NameView {
  networks: ReadonlyMap<string, NetworkRecord>;
  entries: readonly NameEntry[];
}

export type NameAnswer =
  /** A records (none for a known name asked another type: NOERROR without data, as dockerd answers AAAA). */
  | { kind: 'records'; ips: string[] }
  /** The reverse name of a container's address. */
  | { kind: 'pointer'; name: string }
  /** Not a container's name: ask these resolvers (empty: the host's). */
  | { kind: 'forward'; upstream: string[] }
  /** Asked on an address that serves no network, or by an address that is no container of it. */
  | { kind: 'refuse' };

interface InputShape {
  container_name?: string;
  dns_servers?: string[];
}

/** The view, from the network store: endpoints whose network resolves names and has a gateway. */
export function nameView(networks: readonly NetworkRecord[], active: readonly ActiveContainer[]): NameView {
  const byId = new Map(networks.map((n) => [n.id, n]));
  const byGateway = new Map<string, NetworkRecord>();
  for (const n of networks) if (n.dnsEnabled && n.gateway) byGateway.set(n.gateway, n);
  const entries: NameEntry[] = [];
  for (const a of active) {
    for (const e of a.endpoints) {
      const n = byId.get(e.networkId);
      if (!n?.dnsEnabled) continue;
      let input: InputShape = {};
      try {
        input = JSON.parse(e.netavarkInput) as InputShape;
      } catch {
        // an endpoint without its input still answers to its aliases
      }
      const names = [...(input.container_name ? [input.container_name] : []), ...e.aliases].map((s) => s.toLowerCase());
      entries.push({
        containerId: a.containerId,
        networkId: e.networkId,
        ip: e.ip,
        names: [...new Set(names)],
        upstream: input.dns_servers ?? [],
      });
    }
  }
  return { networks: byGateway, entries };
}

/** `1.2.3.4` for `4.3.2.1.in-addr.arpa`, else undefined. */
function reverseAddress(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}

/**
 * The answer to `name` of `type`, asked on `gateway` from `source`. Names are compared without case and without a
 * trailing dot.
 */
export function answerName(
  view: NameView,
  q: { gateway: string; source: string; name: string; type: string },
): NameAnswer {
  const network = view.networks.get(q.gateway);
  if (!network) return { kind: 'refuse' };
  const asker = view.entries.find((e) => e.networkId === network.id && e.ip === q.source);
  if (!asker) return { kind: 'refuse' };
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const askerNetworks = view.entries
    .filter((e) => e.containerId === asker.containerId)
    .flatMap((e) => {
      const n = [...view.networks.values()].find((x) => x.id === e.networkId);
      return n ? [n] : [];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const visible = (networkId: string): NameEntry[] => view.entries.filter((e) => e.networkId === networkId);
  if (q.type === 'PTR') {
    const ip = reverseAddress(name);
    for (const n of askerNetworks) {
      const hit = ip === undefined ? undefined : visible(n.id).find((e) => e.ip === ip);
      if (hit?.names[0]) return { kind: 'pointer', name: hit.names[0] };
    }
    return { kind: 'forward', upstream: asker.upstream };
  }
  for (const n of askerNetworks) {
    const hits = visible(n.id).filter((e) => e.names.includes(name));
    if (hits.length > 0) return { kind: 'records', ips: q.type === 'A' ? [...new Set(hits.map((e) => e.ip))] : [] };
  }
  return { kind: 'forward', upstream: asker.upstream };
}
