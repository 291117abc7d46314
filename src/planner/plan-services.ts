// Which services `up` acts on and in what order, and what each of them needs (networks, volumes, other services):
// plain functions of the stack, shared by the planners and the commands.
import { BerthError } from '../errors.js';
import type { DependsOn, Service, Stack } from '../spec/model.js';

/**
 * What a service waits for: its depends_on, plus the services it names in network_mode, ipc, pid and
 * volumes_from (`service:NAME`), which Compose treats as started-dependencies.
 */
export function serviceDependencies(service: Service): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  const refs = [
    service.network_mode,
    service.ipc,
    service.pid,
    ...((service.volumes_from as string[] | undefined) ?? []),
  ];
  for (const ref of refs) {
    const m = typeof ref === 'string' ? /^service:([^:]+)/.exec(ref) : null;
    if (m) out[m[1] as string] = { condition: 'service_started', required: true };
  }
  for (const ref of (service.volumes_from as string[] | undefined) ?? []) {
    const name = ref.split(':')[0] as string;
    if (!ref.startsWith('container:') && !ref.startsWith('service:')) {
      out[name] ??= { condition: 'service_started', required: true };
    }
  }
  return { ...out, ...(service.depends_on ?? {}) };
}

/** The services `up` acts on: those named plus, unless noDeps, what they depend on (transitively). */
export function selectServices(stack: Stack, named: readonly string[] = [], noDeps = false): string[] {
  if (named.length === 0) return Object.keys(stack.services).sort();
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name) || !stack.services[name]) return;
    out.add(name);
    if (!noDeps) for (const dep of Object.keys(serviceDependencies(stack.services[name] as Service))) visit(dep);
  };
  named.forEach(visit);
  return [...out].sort();
}

export function desiredScale(service: Service, override?: number): number {
  if (override !== undefined) return override;
  if (typeof service.scale === 'number') return service.scale;
  const replicas = (service.deploy as { replicas?: number } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

export function containerName(stack: Stack, service: Service, number: number): string {
  return typeof service.container_name === 'string'
    ? service.container_name
    : `${stack.name}-${service.name}-${number}`;
}

/** The networks a service joins, by stack key (none for network_mode other than bridge networks). */
export function serviceNetworks(service: Service): string[] {
  if (service.network_mode !== undefined) return [];
  return Object.keys(service.networks ?? {}).sort();
}

/** The named volumes a service mounts, by stack key. */
export function serviceVolumes(service: Service): string[] {
  return [...new Set((service.volumes ?? []).filter((v) => v.type === 'volume' && v.source).map((v) => v.source!))];
}

/**
 * `names` with every service after the services it depends on (among `names`), ties alphabetical, as Compose's
 * InDependencyOrder visits them. Throws PLAN_DEPENDENCY_CYCLE for a cycle (the loader reports them first).
 */
export function serviceOrder(stack: Stack, names: readonly string[]): string[] {
  const wanted = new Set(names);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new BerthError('PLAN_DEPENDENCY_CYCLE', `services depend on each other: ${[...path, name].join(' -> ')}`);
    }
    state.set(name, 'visiting');
    const service = stack.services[name] as Service;
    for (const dep of Object.keys(serviceDependencies(service)).sort()) {
      if (wanted.has(dep) && stack.services[dep]) visit(dep, [...path, name]);
    }
    state.set(name, 'done');
    out.push(name);
  };
  for (const name of [...names].sort()) visit(name, []);
  return out;
}
