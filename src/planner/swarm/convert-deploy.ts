// A service's `deploy` section (plus the service keys Compose maps into it: `restart`, `scale`) as the parts of
// a Swarm service spec it fills, following docker/cli cli/compose/convert/service.go. The model keeps deploy's
// durations in milliseconds and sizes in bytes.
import type { ServiceSpec, TaskSpec, UpdateConfig } from '../../client/swarm/service-spec.js';
import { BerthError } from '../../errors.js';
import type { Service } from '../../spec/model.js';

const NS_PER_MS = 1_000_000;

/** `deploy` as the normalized model holds it (the schema's shape; durations ms, memory bytes, cpus a number). */
export interface Deploy {
  mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  replicas?: number;
  labels?: Record<string, string>;
  endpoint_mode?: 'vip' | 'dnsrr';
  resources?: {
    limits?: { cpus?: number; memory?: number; pids?: number };
    reservations?: { cpus?: number; memory?: number };
  };
  restart_policy?: { condition?: string; delay?: number; max_attempts?: number; window?: number };
  placement?: {
    constraints?: string[];
    preferences?: Array<{ spread: string }>;
    max_replicas_per_node?: number;
  };
  update_config?: DeployUpdate;
  rollback_config?: DeployUpdate;
}

interface DeployUpdate {
  parallelism?: number;
  delay?: number;
  failure_action?: string;
  monitor?: number;
  max_failure_ratio?: number;
  order?: string;
}

export interface DeployParts {
  mode: ServiceSpec['Mode'];
  task: Pick<TaskSpec, 'Resources' | 'RestartPolicy' | 'Placement'>;
  updateConfig?: UpdateConfig;
  rollbackConfig?: UpdateConfig;
}

export function convertDeploy(d: Deploy, service: Service): DeployParts {
  const task: DeployParts['task'] = {};
  const resources = convertResources(d.resources);
  if (resources) task.Resources = resources;
  const restart = restartPolicy(d.restart_policy, service);
  if (restart) task.RestartPolicy = restart;
  if (d.placement) {
    task.Placement = clean({
      Constraints: d.placement.constraints,
      Preferences: d.placement.preferences?.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
      MaxReplicas: d.placement.max_replicas_per_node,
    });
  }
  return {
    mode: mode(d, service),
    task,
    ...(d.update_config ? { updateConfig: updateConfig(d.update_config) } : {}),
    ...(d.rollback_config ? { rollbackConfig: updateConfig(d.rollback_config) } : {}),
  };
}

function mode(d: Deploy, service: Service): ServiceSpec['Mode'] {
  if (d.mode === 'global') return { Global: {} };
  if (d.mode && d.mode !== 'replicated') {
    throw new BerthError('PLAN_SWARM_MODE', `service "${service.name}": deploy.mode "${d.mode}" is not supported`, {
      hint: 'use "replicated" or "global"',
    });
  }
  const scale = typeof service.scale === 'number' ? service.scale : undefined;
  return { Replicated: { Replicas: d.replicas ?? scale ?? 1 } };
}

function convertResources(r: Deploy['resources']): TaskSpec['Resources'] {
  if (!r) return undefined;
  const nano = (cpus: number | undefined): number | undefined =>
    cpus === undefined ? undefined : Math.round(cpus * 1e9);
  const limits =
    r.limits && clean({ NanoCPUs: nano(r.limits.cpus), MemoryBytes: r.limits.memory, Pids: r.limits.pids });
  const reservations =
    r.reservations && clean({ NanoCPUs: nano(r.reservations.cpus), MemoryBytes: r.reservations.memory });
  return clean({ Limits: limits, Reservations: reservations });
}

/** deploy.restart_policy, else the service's `restart` as Compose maps it (no: none, always: any). */
function restartPolicy(p: Deploy['restart_policy'], service: Service): TaskSpec['RestartPolicy'] {
  const ns = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms * NS_PER_MS);
  if (p) {
    const condition = p.condition === undefined ? undefined : conditionOf(p.condition, service.name);
    return clean({ Condition: condition, Delay: ns(p.delay), MaxAttempts: p.max_attempts, Window: ns(p.window) });
  }
  const restart = typeof service.restart === 'string' ? service.restart : undefined;
  if (restart === undefined) return undefined;
  if (restart === 'no') return { Condition: 'none' };
  if (restart === 'always' || restart === 'unless-stopped') return { Condition: 'any' };
  const onFailure = /^on-failure(?::(\d+))?$/.exec(restart);
  if (onFailure)
    return clean({ Condition: 'on-failure' as const, MaxAttempts: onFailure[1] ? Number(onFailure[1]) : undefined });
  throw new BerthError('PLAN_SWARM_RESTART', `service "${service.name}": restart "${restart}" has no Swarm equivalent`);
}

function conditionOf(c: string, service: string): 'none' | 'on-failure' | 'any' {
  if (c === 'none' || c === 'on-failure' || c === 'any') return c;
  throw new BerthError('PLAN_SWARM_RESTART', `service "${service}": restart_policy.condition "${c}" is not valid`, {
    hint: 'use none, on-failure or any',
  });
}

/** Compose sets a parallelism of 1 when update_config leaves it out (convertUpdateConfig). */
function updateConfig(u: DeployUpdate): UpdateConfig {
  return clean({
    Parallelism: u.parallelism ?? 1,
    Delay: u.delay === undefined ? undefined : u.delay * NS_PER_MS,
    FailureAction: u.failure_action,
    Monitor: u.monitor === undefined ? undefined : u.monitor * NS_PER_MS,
    MaxFailureRatio: u.max_failure_ratio,
    Order: u.order,
  });
}

/** Leaves out undefined fields and empty objects, so a spec compares equal to what the engine gives back. */
function clean<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}
