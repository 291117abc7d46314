// Desired state (the normalized stack) against observed state (what the engine reports) into a plan: plain data,
// a list of actions with the actions each must wait for, and for each recreate the reasons. Pure: the image IDs
// the engine resolved come in with the input, so the same input always gives the same plan.
import { serviceConfigHash, serviceKeyHashes } from '../spec/config-hash.js';
import type { DependsOn, Service, Stack } from '../spec/model.js';
import { LABEL } from './labels.js';
import type { Observed, ObservedContainer } from './observed.js';
import { withDependentRestarts } from './plan-restarts.js';
import { serviceSpecWarnings } from './spec-warnings.js';
import { compareText } from '../compare-text.js';

export type ActionKind =
  | 'pull'
  | 'create-network'
  | 'create-volume'
  | 'create'
  | 'recreate'
  | 'start'
  | 'restart'
  | 'unchanged'
  | 'remove'
  | 'remove-network'
  | 'remove-volume';

export interface Action {
  /** Unique in the plan: `image:REF`, `network:KEY`, `volume:KEY`, `container:SERVICE:N`, `orphan:NAME`. */
  id: string;
  kind: ActionKind;
  resource: 'image' | 'network' | 'volume' | 'container';
  /** The engine name of the network, volume or container; the reference of an image to pull. */
  name: string;
  /** The key of the network or volume in the stack file. */
  key?: string;
  service?: string;
  number?: number;
  /** The existing container that the action acts on (recreate, start, restart, unchanged, remove). */
  containerId?: string;
  /**
   * Why: for a recreate the changed keys (or `image`, `--force-recreate`); for a restart the dependencies with
   * `restart: true` that change (`dependency db recreated`); for a remove `orphan` or `scale`.
   */
  reasons?: string[];
  /** Ids of actions that must have finished first. */
  after: string[];
}

export interface Plan {
  project: string;
  actions: Action[];
  warnings: string[];
}

export interface UpOptions {
  /** Services named on the command line; empty means all enabled services. */
  services?: readonly string[];
  /** Do not add the services the named ones depend on. */
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  removeOrphans?: boolean;
  scale?: Readonly<Record<string, number>>;
}

export interface UpInput {
  stack: Stack;
  observed: Observed;
  /** The image ID each service's image resolves to on the engine (undefined: not present). */
  imageIds: Readonly<Record<string, string | undefined>>;
  options?: UpOptions;
  /** Images to pull first (planPulls): they lead the plan, and the containers of their services wait for them. */
  pulls?: readonly Action[];
}

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

/** Which keys differ between the key hashes on a container and the wanted ones. */
export function changedKeys(old: Record<string, string> | undefined, wanted: Record<string, string>): string[] {
  if (!old) return ['config'];
  const keys = new Set([...Object.keys(old), ...Object.keys(wanted)]);
  return [...keys].filter((k) => old[k] !== wanted[k]).sort();
}

function parseKeyHashes(c: ObservedContainer): Record<string, string> | undefined {
  const raw = c.labels[LABEL.keyHashes];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return undefined;
  }
}

export function planUp(input: UpInput): Plan {
  const { stack, observed } = input;
  const opts = input.options ?? {};
  let actions: Action[] = [...(input.pulls ?? [])];
  const warnings: string[] = [];
  const selected = selectServices(stack, opts.services, opts.noDeps);
  const pullOf = (service: Service): string[] =>
    actions.filter((a) => a.kind === 'pull' && a.name === service.image).map((a) => a.id);

  const networkKeys = new Set(selected.flatMap((s) => serviceNetworks(stack.services[s] as Service)));
  for (const key of [...networkKeys].sort()) {
    const net = stack.networks[key];
    if (!net || net.external) continue;
    if (observed.networks.some((n) => n.name === net.name)) continue;
    actions.push({ id: `network:${key}`, kind: 'create-network', resource: 'network', name: net.name, key, after: [] });
  }
  const volumeKeys = new Set(selected.flatMap((s) => serviceVolumes(stack.services[s] as Service)));
  for (const key of [...volumeKeys].sort()) {
    const vol = stack.volumes[key];
    if (!vol || vol.external) continue;
    if (observed.volumes.some((v) => v.name === vol.name)) continue;
    actions.push({ id: `volume:${key}`, kind: 'create-volume', resource: 'volume', name: vol.name, key, after: [] });
  }
  const planned = new Set(actions.map((a) => a.id));

  for (const name of selected) {
    const service = stack.services[name] as Service;
    const after = [
      ...serviceNetworks(service).map((k) => `network:${k}`),
      ...serviceVolumes(service).map((k) => `volume:${k}`),
    ]
      .filter((id) => planned.has(id))
      .concat(pullOf(service));
    const hash = serviceConfigHash(service);
    const keyHashes = serviceKeyHashes(service);
    const imageId = input.imageIds[name];
    const existing = observed.containers
      .filter((c) => c.service === name && !c.oneoff)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    const scale = desiredScale(service, opts.scale?.[name]);
    const kept = existing.slice(0, scale);
    for (const c of existing.slice(scale)) {
      actions.push({
        id: `container:${name}:${c.number}:${c.id.slice(0, 12)}`,
        kind: 'remove',
        resource: 'container',
        name: c.name,
        service: name,
        number: c.number,
        containerId: c.id,
        reasons: ['scale'],
        after: [],
      });
    }
    for (const c of kept) {
      const base = { resource: 'container' as const, name: c.name, service: name, number: c.number, containerId: c.id };
      const id = `container:${name}:${c.number}`;
      const reasons = opts.forceRecreate
        ? ['--force-recreate']
        : [
            ...(c.configHash !== hash ? changedKeys(parseKeyHashes(c), keyHashes) : []),
            ...(imageId !== undefined && c.imageId !== imageId ? ['image'] : []),
          ];
      if (reasons.length > 0 && !opts.noRecreate) {
        actions.push({ ...base, id, kind: 'recreate', reasons, after });
      } else if (c.state !== 'running' && c.state !== 'restarting') {
        actions.push({ ...base, id, kind: 'start', after });
      } else {
        actions.push({ ...base, id, kind: 'unchanged', after: [] });
      }
    }
    const used = new Set(kept.map((c) => c.number));
    let next = 1;
    for (let i = kept.length; i < scale; i++) {
      while (used.has(next)) next++;
      used.add(next);
      actions.push({
        id: `container:${name}:${next}`,
        kind: 'create',
        resource: 'container',
        name: containerName(stack, service, next),
        service: name,
        number: next,
        after,
      });
    }
  }

  actions = withDependentRestarts(stack, actions);
  warnings.push(...serviceSpecWarnings(stack, selected));

  const known = new Set([...Object.keys(stack.services), ...stack.disabledServices]);
  const orphans = observed.containers.filter((c) => !c.oneoff && !known.has(c.service));
  if (orphans.length > 0 && opts.removeOrphans) {
    for (const c of orphans) {
      actions.push({
        id: `orphan:${c.name}`,
        kind: 'remove',
        resource: 'container',
        name: c.name,
        service: c.service,
        containerId: c.id,
        reasons: ['orphan'],
        after: [],
      });
    }
  } else if (orphans.length > 0) {
    warnings.push(
      `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or ` +
        'renamed this service in your compose file, you can run this command with the --remove-orphans flag to ' +
        'clean it up.',
    );
  }
  return { project: stack.name, actions, warnings };
}

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
}

/** `down`: the project's containers (orphans too with removeOrphans), its networks, and with volumes its volumes. */
export function planDown(stack: Stack, observed: Observed, opts: DownOptions = {}): Plan {
  const known = new Set([...Object.keys(stack.services), ...stack.disabledServices]);
  const actions: Action[] = [];
  const warnings: string[] = [];
  const containers = observed.containers.filter((c) => known.has(c.service) || opts.removeOrphans);
  const orphans = observed.containers.filter((c) => !known.has(c.service));
  if (orphans.length > 0 && !opts.removeOrphans) {
    warnings.push(
      `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. You can run this ` +
        'command with the --remove-orphans flag to clean it up.',
    );
  }
  for (const c of containers) {
    // Dependents go first: a container waits for the removal of those of the services that depend on it.
    const dependents = containers.filter((d) => {
      const dependent = stack.services[d.service];
      return d !== c && dependent !== undefined && c.service in serviceDependencies(dependent);
    });
    actions.push({
      id: `container:${c.service}:${c.number}:${c.id.slice(0, 12)}`,
      kind: 'remove',
      resource: 'container',
      name: c.name,
      service: c.service,
      number: c.number,
      containerId: c.id,
      reasons: known.has(c.service) ? [] : ['orphan'],
      after: dependents.map((d) => `container:${d.service}:${d.number}:${d.id.slice(0, 12)}`),
    });
  }
  const allContainers = actions.map((a) => a.id);
  for (const n of observed.networks.filter((x) => x.labels[LABEL.project] === stack.name).sort(byName)) {
    actions.push({
      id: `network:${n.name}`,
      kind: 'remove-network',
      resource: 'network',
      name: n.name,
      key: n.labels[LABEL.network],
      after: allContainers,
    });
  }
  if (opts.volumes) {
    for (const v of observed.volumes.filter((x) => x.labels[LABEL.project] === stack.name).sort(byName)) {
      actions.push({
        id: `volume:${v.name}`,
        kind: 'remove-volume',
        resource: 'volume',
        name: v.name,
        key: v.labels[LABEL.volume],
        after: allContainers,
      });
    }
  }
  return { project: stack.name, actions, warnings };
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}
