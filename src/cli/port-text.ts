// The PORTS column of `berth ps`, as `docker compose ps` and `docker ps` write it (docker/cli's DisplayablePorts):
// ports sorted, runs of consecutive ports grouped ("8000-8002/tcp"), bindings whose host port differs listed last.
// Pure.

/** One entry of the Engine API's container list `Ports`. */
export interface ListPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export function displayablePorts(ports: readonly ListPort[]): string {
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of sorted) {
    const current = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if (p.PublicPort !== current) {
        hostMappings.push(`${hostPort(p.IP, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
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
  return [...ports].sort((a, b) => a.PrivatePort - b.PrivatePort);
}

function comparePorts(a: ListPort, b: ListPort): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
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
