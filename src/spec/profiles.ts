// Profiles: a service without `profiles` is always enabled; one with profiles only when one of them is active
// ("*" activates all). Services named on the command line are enabled with everything they depend on.
import type { Diagnostic } from '../errors.js';
import type { Tree, TreeMap } from './tree.js';
import { copyChildPos, copySelfPos, isList, isMap, locate, newMap } from './tree.js';

export interface ProfilesResult {
  tree: TreeMap;
  disabled: string[];
  errors: Diagnostic[];
}

export function dependenciesOf(service: Tree): string[] {
  if (!isMap(service)) return [];
  const deps = service.depends_on;
  const names = isList(deps) ? deps.map(String) : isMap(deps) ? Object.keys(deps) : [];
  for (const key of ['network_mode', 'ipc', 'pid']) {
    const v = service[key];
    if (typeof v === 'string' && v.startsWith('service:')) names.push(v.slice('service:'.length));
  }
  const from = service.volumes_from;
  if (isList(from)) {
    for (const f of from.map(String)) if (!f.startsWith('container:')) names.push(f.split(':')[0] as string);
  }
  if (isList(service.links)) for (const l of service.links.map(String)) names.push(l.split(':')[0] as string);
  return names;
}

export function applyProfiles(
  tree: TreeMap,
  opts: { profiles: readonly string[]; services: readonly string[] },
): ProfilesResult {
  const services = isMap(tree.services) ? tree.services : newMap();
  const active = new Set(opts.profiles);
  const isOn = (name: string): boolean => {
    const s = services[name];
    const profiles = isMap(s) && isList(s.profiles) ? s.profiles.map(String) : [];
    return profiles.length === 0 || active.has('*') || profiles.some((p) => active.has(p));
  };
  const enabled = new Set(Object.keys(services).filter(isOn));
  // Targeted services pull in their dependencies, whatever their profiles (Compose does the same).
  const queue = opts.services.filter((s) => s in services);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (enabled.has(name) && !opts.services.includes(name)) continue;
    enabled.add(name);
    for (const dep of dependenciesOf(services[name] as Tree)) if (dep in services && !enabled.has(dep)) queue.push(dep);
  }
  const errors: Diagnostic[] = [];
  for (const name of enabled) {
    const svc = services[name] as Tree;
    const deps = isMap(svc) && isMap(svc.depends_on) ? svc.depends_on : undefined;
    for (const dep of dependenciesOf(svc)) {
      if (!(dep in services) || enabled.has(dep)) continue;
      const optional = deps && isMap(deps[dep]) && (deps[dep] as TreeMap).required === false;
      if (optional) continue;
      const profiles = (services[dep] as TreeMap).profiles;
      errors.push({
        code: 'SPEC_DEPENDENCY_DISABLED',
        severity: 'error',
        message: `service "${name}" depends on "${dep}", which is not enabled by the active profiles`,
        hint: `enable one of its profiles (${isList(profiles) ? profiles.join(', ') : ''}) with --profile, or name "${name}" on the command line`,
        at: locate(tree, ['services', name]),
      });
    }
  }
  const kept = newMap();
  copySelfPos(services, kept);
  for (const name of Object.keys(services)) {
    if (!enabled.has(name)) continue;
    kept[name] = services[name] as Tree;
    copyChildPos(services, name, kept, name);
  }
  const out = newMap();
  copySelfPos(tree, out);
  for (const k of Object.keys(tree)) {
    out[k] = k === 'services' ? kept : (tree[k] as Tree);
    copyChildPos(tree, k, out, k);
  }
  return { tree: out, disabled: Object.keys(services).filter((s) => !enabled.has(s)), errors };
}
