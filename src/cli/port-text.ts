// The PORTS column of `berth ps`, as `docker compose ps` and `docker ps` write it (docker/cli's DisplayablePorts):
// ports sorted, runs of consecutive ports grouped ("8000-8002/tcp"), bindings whose host port differs listed last.
// Pure.
import type { PublishedPort } from '../client/types.js';

/** A published port as a container list reports it (the client's PublishedPort, any protocol string). */
export type ListPort = Pick<PublishedPort, 'ip' | 'privatePort' | 'publicPort'> & { type: string };

export function displayablePorts(ports: readonly ListPort[]): string {
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of sorted) {
    const current = p.privatePort;
    let key = p.type;
    if (p.ip) {
      if (p.publicPort !== current) {
        hostMappings.push(`${hostPort(p.ip, p.publicPort ?? 0)}->${p.privatePort}/${p.type}`);
        continue;
      }
      key = `${p.ip}/${p.type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: current, last: current });
      order.push(key);
    } else if (current === group.last + 1) {
      group.last = current;
    } else {
      result.push(formGroup(key, group));
      groups.set(key, { first: current, last: current });
    }
  }
  for (const key of order) result.push(formGroup(key, groups.get(key) as { first: number; last: number }));
  return [...result, ...hostMappings].join(', ');
}

/** Compose's Publishers order (cmd/compose/ps.go): by container port. */
export function sortByPrivatePort<T extends ListPort>(ports: readonly T[]): T[] {
  return [...ports].sort((a, b) => a.privatePort - b.privatePort);
}

function comparePorts(a: ListPort, b: ListPort): number {
  if (a.privatePort !== b.privatePort) return a.privatePort - b.privatePort;
  if ((a.ip ?? '') !== (b.ip ?? '')) return (a.ip ?? '') < (b.ip ?? '') ? -1 : 1;
  if ((a.publicPort ?? 0) !== (b.publicPort ?? 0)) return (a.publicPort ?? 0) - (b.publicPort ?? 0);
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/** Go's net.JoinHostPort: an IPv6 address in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function formGroup(key: string, g: { first: number; last: number }): string {
  const slash = key.lastIndexOf('/');
  const ip = slash === -1 ? '' : key.slice(0, slash);
  const type = slash === -1 ? key : key.slice(slash + 1);
  const range = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`;
  return ip ? `${ip}:${range}->${range}/${type}` : `${range}/${type}`;
}
