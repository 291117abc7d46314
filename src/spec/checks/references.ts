// Names that must point at something defined: services (depends_on, links, volumes_from, network_mode, ipc, pid)
// and top-level networks, volumes, secrets and configs.
import type { Diagnostic } from '../../errors.js';
import { suggest } from '../suggest.js';
import { parseVolumeShort } from '../syntax/volumes.js';
import type { PathSegment, Tree, TreeMap } from '../tree.js';
import { isList, isMap, locate } from '../tree.js';

export function checkReferences(tree: TreeMap, disabled: readonly string[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const services = isMap(tree.services) ? tree.services : {};
  const defined = (section: string): string[] => (isMap(tree[section]) ? Object.keys(tree[section] as TreeMap) : []);
  const names = Object.keys(services);
  const missing = (kind: string, name: string, path: PathSegment[], known: string[], asKey = false): void => {
    if (kind === 'service' && disabled.includes(name)) return;
    const guess = suggest(name, known);
    out.push({
      code: kind === 'service' ? 'SPEC_UNKNOWN_SERVICE' : `SPEC_UNDEFINED_${kind.toUpperCase()}`,
      severity: 'error',
      message: `${kind} "${name}" is not defined`,
      hint: guess
        ? `did you mean "${guess}"?`
        : kind === 'service'
          ? `define service "${name}" under "services:"`
          : `declare it under the top-level "${kind}s:"`,
      at: locate(tree, path, asKey),
    });
  };
  for (const name of names) {
    const svc = services[name] as Tree;
    if (!isMap(svc)) continue;
    const base: PathSegment[] = ['services', name];
    const deps = svc.depends_on;
    if (isList(deps))
      deps.forEach(
        (d, i) => !names.includes(String(d)) && missing('service', String(d), [...base, 'depends_on', i], names),
      );
    if (isMap(deps)) {
      for (const d of Object.keys(deps)) {
        const optional = isMap(deps[d]) && (deps[d] as TreeMap).required === false;
        if (!names.includes(d) && !optional) missing('service', d, [...base, 'depends_on', d], names, true);
      }
    }
    if (isList(svc.links)) {
      svc.links.forEach((l, i) => {
        const target = String(l).split(':')[0] as string;
        if (!names.includes(target)) missing('service', target, [...base, 'links', i], names);
      });
    }
    if (isList(svc.volumes_from)) {
      svc.volumes_from.forEach((v, i) => {
        const s = String(v);
        if (s.startsWith('container:')) return;
        const target = s.split(':')[0] as string;
        if (!names.includes(target)) missing('service', target, [...base, 'volumes_from', i], names);
      });
    }
    for (const key of ['network_mode', 'ipc', 'pid']) {
      const v = svc[key];
      if (typeof v === 'string' && v.startsWith('service:') && !names.includes(v.slice(8))) {
        missing('service', v.slice(8), [...base, key], names);
      }
    }
    checkServiceNetworks(svc, base, defined('networks'), missing);
    checkServiceVolumes(svc, base, defined('volumes'), missing);
    for (const kind of ['secret', 'config'] as const) {
      const list = svc[`${kind}s`];
      if (!isList(list)) continue;
      list.forEach((entry, i) => {
        const source = isMap(entry) ? String(entry.source) : String(entry);
        if (!defined(`${kind}s`).includes(source)) missing(kind, source, [...base, `${kind}s`, i], defined(`${kind}s`));
      });
    }
  }
  return out;
}

type Missing = (kind: string, name: string, path: PathSegment[], known: string[], asKey?: boolean) => void;

function checkServiceNetworks(svc: TreeMap, base: PathSegment[], known: string[], missing: Missing): void {
  const nets = svc.networks;
  // "default" is always there unless a file redefines it; Compose adds it for services without networks.
  const all = [...known, 'default'];
  if (isList(nets))
    nets.forEach((n, i) => !all.includes(String(n)) && missing('network', String(n), [...base, 'networks', i], known));
  if (isMap(nets))
    for (const n of Object.keys(nets))
      if (!all.includes(n)) missing('network', n, [...base, 'networks', n], known, true);
}

function checkServiceVolumes(svc: TreeMap, base: PathSegment[], known: string[], missing: Missing): void {
  if (!isList(svc.volumes)) return;
  svc.volumes.forEach((v, i) => {
    let source: string | undefined;
    let type: string | undefined;
    if (typeof v === 'string') {
      const parsed = parseVolumeShort(v);
      if (!parsed.ok) return; // reported by the value checks
      source = parsed.value.source;
      type = parsed.value.type;
    } else if (isMap(v)) {
      source = typeof v.source === 'string' ? v.source : undefined;
      type = String(v.type);
    }
    if (type === 'volume' && source && !known.includes(source))
      missing('volume', source, [...base, 'volumes', i], known);
  });
}
