// The same host port published twice (by one service or by two) cannot work: the second bind fails at `up`.
// Caught here so the error names both places. Only services with one replica are counted more than once per
// port; scaling a service with a fixed host port is reported by the planner.
import type { Diagnostic } from '../../errors.js';
import type { PortMapping } from '../syntax/ports.js';
import { parsePortShort } from '../syntax/ports.js';
import type { TreeMap } from '../tree.js';
import { formatPath, isList, isMap, locate } from '../tree.js';

function expandPublished(p: string): number[] {
  const [a, b] = p.split('-').map(Number);
  if (a === undefined || Number.isNaN(a)) return [];
  if (b === undefined || Number.isNaN(b)) return [a];
  return b - a > 65535 ? [] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

interface Use {
  ip: string; // '*' for every address
  path: (string | number)[];
}

export function checkPorts(tree: TreeMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const uses = new Map<string, Use[]>(); // "tcp/8080" -> who publishes it
  const services = isMap(tree.services) ? tree.services : {};
  for (const [name, svc] of Object.entries(services)) {
    if (!isMap(svc) || !isList(svc.ports)) continue;
    svc.ports.forEach((entry, i) => {
      const path = ['services', name, 'ports', i];
      for (const m of mappingsOf(entry)) {
        if (m.published === undefined || m.published === '') continue;
        // Two host IPs can share a port, but 0.0.0.0 (or none) takes it on every address.
        const ip = m.host_ip && m.host_ip !== '0.0.0.0' && m.host_ip !== '::' ? m.host_ip : '*';
        for (const port of expandPublished(m.published)) {
          const key = `${m.protocol}/${port}`;
          const list = uses.get(key) ?? [];
          const clash = list.find(
            (u) => formatPath(u.path) !== formatPath(path) && (u.ip === ip || u.ip === '*' || ip === '*'),
          );
          if (clash && m.published.split('-').length === 1) {
            out.push({
              code: 'SPEC_PORT_CONFLICT',
              severity: 'error',
              message: `host port ${port}/${m.protocol} is published twice: here and at ${formatPath(clash.path)}`,
              hint: 'publish one of them on another host port',
              at: locate(tree, path),
            });
          }
          list.push({ ip, path });
          uses.set(key, list);
        }
      }
    });
  }
  return out;
}

function mappingsOf(entry: unknown): PortMapping[] {
  if (typeof entry === 'string' || typeof entry === 'number') {
    const parsed = parsePortShort(entry);
    return parsed.ok ? parsed.value : [];
  }
  if (!isMap(entry) || entry.published === undefined || entry.published === null) return [];
  return [
    {
      target: Number(entry.target),
      published: String(entry.published),
      host_ip: typeof entry.host_ip === 'string' ? entry.host_ip : undefined,
      protocol: String(entry.protocol ?? 'tcp'),
      mode: 'ingress',
    },
  ];
}
