// Which keys of a service differ between the spec a deploy wants and the one the swarm holds, named as the
// stack file names them where there is a Compose key for it (environment.DB_HOST, deploy.replicas), else by the
// spec's own path. Fields the engine fills in by itself are not differences.
import type { ServiceSpec } from '../../client/swarm/service-spec.js';
import { canonicalJson } from '../../spec/config-hash.js';
import { compareText } from '../../compare-text.js';

/** The label that records the hash of the spec berth deployed (over the spec without this label). */
export const SPEC_HASH_LABEL = 'berth.swarm.spec-hash';

// What a dockerd stores when the spec leaves a field out (dockerd 20.10 and later): such a value is not a
// difference. A value other than the default that the file no longer sets is one (a removed restart_policy).
const ENGINE_DEFAULTS: Record<string, unknown> = {
  'TaskTemplate.ForceUpdate': 0,
  'TaskTemplate.Runtime': 'container',
  'TaskTemplate.ContainerSpec.Isolation': 'default',
  'TaskTemplate.ContainerSpec.StopGracePeriod': 10_000_000_000,
  'TaskTemplate.RestartPolicy.Condition': 'any',
  'TaskTemplate.RestartPolicy.Delay': 5_000_000_000,
  'TaskTemplate.RestartPolicy.MaxAttempts': 0,
  'EndpointSpec.Mode': 'vip',
  ...updateDefaults('UpdateConfig'),
  ...updateDefaults('RollbackConfig'),
};

function updateDefaults(key: string): Record<string, unknown> {
  const d = { Parallelism: 1, FailureAction: 'pause', Monitor: 5_000_000_000, MaxFailureRatio: 0, Order: 'stop-first' };
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [`${key}.${k}`, v]));
}

// The swarm path of a key, from the most specific, to the Compose key it comes from.
const COMPOSE_NAMES: Array<[string, string]> = [
  ['TaskTemplate.ContainerSpec.Env', 'environment'],
  ['TaskTemplate.ContainerSpec.Image', 'image'],
  ['TaskTemplate.ContainerSpec.Args', 'command'],
  ['TaskTemplate.ContainerSpec.Command', 'entrypoint'],
  ['TaskTemplate.ContainerSpec.Labels', 'labels'],
  ['TaskTemplate.ContainerSpec.Secrets', 'secrets'],
  ['TaskTemplate.ContainerSpec.Configs', 'configs'],
  ['TaskTemplate.ContainerSpec.Mounts', 'volumes'],
  ['TaskTemplate.ContainerSpec.Healthcheck', 'healthcheck'],
  ['TaskTemplate.ContainerSpec.Dir', 'working_dir'],
  ['TaskTemplate.ContainerSpec.StopGracePeriod', 'stop_grace_period'],
  ['TaskTemplate.ContainerSpec.Hosts', 'extra_hosts'],
  ['TaskTemplate.ContainerSpec.DNSConfig', 'dns'],
  ['TaskTemplate.ContainerSpec', ''],
  ['TaskTemplate.Networks', 'networks'],
  ['TaskTemplate.Resources', 'deploy.resources'],
  ['TaskTemplate.RestartPolicy', 'deploy.restart_policy'],
  ['TaskTemplate.Placement', 'deploy.placement'],
  ['TaskTemplate.LogDriver', 'logging'],
  ['Mode.Replicated.Replicas', 'deploy.replicas'],
  ['Mode', 'deploy.mode'],
  ['UpdateConfig', 'deploy.update_config'],
  ['RollbackConfig', 'deploy.rollback_config'],
  ['EndpointSpec.Ports', 'ports'],
  ['EndpointSpec.Mode', 'deploy.endpoint_mode'],
  ['Labels', 'deploy.labels'],
];

/** The changed keys, sorted and without repeats; empty when the swarm runs what the deploy wants. */
export function changedKeys(desired: ServiceSpec, observed: ServiceSpec): string[] {
  const want = flatten(desired);
  const have = flatten(observed);
  const changed = new Set<string>();
  for (const [path, value] of want) if (have.get(path) !== value) changed.add(composeName(path));
  for (const path of have.keys()) {
    if (want.has(path)) continue;
    const fallback = ENGINE_DEFAULTS[path];
    if (fallback === undefined || canonicalJson(fallback) !== have.get(path)) changed.add(composeName(path));
  }
  return [...changed].sort(compareText);
}

/**
 * Leaf path to canonical JSON. Maps are walked; Env is keyed by variable name so a change names the variable;
 * other lists are compared whole. Secret and config ids, which the engine holds and a plan does not, are left
 * out, as is berth's own hash label.
 */
function flatten(spec: ServiceSpec): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string): void => {
    if (path === 'TaskTemplate.ContainerSpec.Env' && Array.isArray(v)) {
      for (const e of v as string[]) {
        const i = e.indexOf('=');
        out.set(`${path}.${i < 0 ? e : e.slice(0, i)}`, JSON.stringify(i < 0 ? null : e.slice(i + 1)));
      }
      return;
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (path === 'Labels' && k === SPEC_HASH_LABEL) continue;
        if (x !== undefined) walk(x, path ? `${path}.${k}` : k);
      }
      return;
    }
    out.set(path, canonicalJson(Array.isArray(v) ? v.map(withoutIds) : v));
  };
  walk(spec, '');
  return out;
}

function withoutIds(item: unknown): unknown {
  if (item === null || typeof item !== 'object') return item;
  const { SecretID: _s, ConfigID: _c, ...rest } = item as Record<string, unknown>;
  return rest;
}

function composeName(path: string): string {
  for (const [prefix, name] of COMPOSE_NAMES) {
    if (path === prefix || path.startsWith(`${prefix}.`)) {
      const rest = path.slice(prefix.length + 1);
      if (name === '') return rest || path;
      return rest && (name === 'environment' || name === 'labels' || name === 'deploy.labels')
        ? `${name}.${rest}`
        : name;
    }
  }
  return path;
}
