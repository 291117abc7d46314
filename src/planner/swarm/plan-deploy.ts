// A deploy of a stack to a swarm, planned like `up`: the stack model and what the swarm runs of it in, plain
// data out. Networks, secrets and configs first, then services (created, updated with the keys that changed,
// or unchanged), then what is no longer wanted (old secret and config versions always; services and networks
// with --prune). Pure: the caller reads files and resolves images, and applies the plan.
import { createHash } from 'node:crypto';
import type { ServiceSpec } from '../../client/swarm/service-spec.js';
import type { ObservedSwarmStack, SwarmNetworkCreate, SwarmObjectCreate } from '../../client/swarm/types.js';
import { BerthError, type Diagnostic } from '../../errors.js';
import { canonicalJson } from '../../spec/config-hash.js';
import type { Service, Stack } from '../../spec/model.js';
import { compareText } from '../../compare-text.js';
import { desiredNetworks, desiredObjects, type DesiredObjects, type ObjectContents } from './convert-objects.js';
import { toServiceSpec } from './convert-service.js';
import { changedKeys, SPEC_HASH_LABEL } from './diff-spec.js';
import { planRemovals } from './plan-removals.js';
import { unsupportedKeyWarnings } from './unsupported.js';

export type SwarmActionId = `a${number}`;

interface Base {
  id: SwarmActionId;
  /** Actions that must be done first. */
  after: readonly SwarmActionId[];
  /** The swarm object's name. */
  resource: string;
  reason: string;
  destructive?: true;
}

/** One step of a deploy; `kind` decides every other field. */
export type SwarmAction =
  | (Base & { kind: 'create-network'; network: SwarmNetworkCreate })
  | (Base & { kind: 'create-secret' | 'create-config'; object: SwarmObjectCreate })
  | (Base & { kind: 'create-service'; service: ServiceSpec })
  | (Base & {
      kind: 'update-service';
      /** The swarm's id of the service and the version read, which the update must name. */
      swarmId: string;
      version: number;
      service: ServiceSpec;
      changed: readonly string[];
    })
  | (Base & { kind: 'remove-service' | 'remove-network' | 'remove-secret' | 'remove-config'; swarmId: string });

/** A deploy plan: actions in an order that respects `after`; `unchanged` names the services left as they are. */
export interface SwarmPlan {
  stack: string;
  actions: readonly SwarmAction[];
  unchanged: readonly string[];
  warnings: readonly Diagnostic[];
}

export interface DeployInput {
  stack: Stack;
  observed: ObservedSwarmStack;
  /** The image each service runs, by service name, as the caller resolved it (a digest or an ID). */
  images: Readonly<Record<string, string>>;
  contents: ObjectContents;
  prune?: boolean;
}

export function planDeploy(input: DeployInput): SwarmPlan {
  const { stack, observed } = input;
  const services = Object.values(stack.services).sort((a, b) => compareText(a.name, b.name));
  const desired = desiredOf(input, services);
  const actions: SwarmAction[] = [];
  const createdBy = planCreates(desired, observed, actions);
  const { unchanged, serviceActions } = planServices({ input, services, desired, createdBy, actions });
  actions.push(
    ...planRemovals({
      observed,
      prune: input.prune === true,
      first: actions.length + 1,
      serviceActions,
      keep: {
        services: new Set(services.map((s) => `${stack.name}_${s.name}`)),
        secrets: new Set(desired.secrets.creates.map((o) => o.name)),
        configs: new Set(desired.configs.creates.map((o) => o.name)),
        networks: new Set(desired.networks.map((n) => n.name)),
      },
    }),
  );
  return { stack: stack.name, actions, unchanged, warnings: unsupportedKeyWarnings(services) };
}

interface Desired {
  secrets: DesiredObjects;
  configs: DesiredObjects;
  networks: SwarmNetworkCreate[];
}

/** The objects the services use; every reason the stack cannot go to a swarm at all, as one error. */
function desiredOf(input: DeployInput, services: readonly Service[]): Desired {
  const { stack } = input;
  const errors: Diagnostic[] = [];
  const used = (pick: (s: Service) => readonly string[]): Set<string> => new Set(services.flatMap(pick));
  const secretsUsed = used((s) => (s.secrets ?? []).map((r) => r.source));
  const configsUsed = used((s) => (s.configs ?? []).map((r) => r.source));
  const desired = {
    secrets: desiredObjects(stack, 'secrets', input.contents.secrets, secretsUsed, errors),
    configs: desiredObjects(stack, 'configs', input.contents.configs, configsUsed, errors),
    networks: desiredNetworks(
      stack,
      used((s) => Object.keys(s.networks ?? {})),
    ),
  };
  for (const s of services) {
    if (input.images[s.name]) continue;
    errors.push({
      code: 'PLAN_SWARM_NO_IMAGE',
      severity: 'error',
      message: `service "${s.name}" has no image a swarm can run`,
      hint: 'set image: to an image every node can pull (build and push it first)',
    });
  }
  if (errors.length > 0) {
    throw new BerthError('PLAN_SWARM_INVALID', 'the stack cannot be deployed to a swarm', { diagnostics: errors });
  }
  return desired;
}

/** Creates of the networks, secrets and configs the swarm lacks; returns "kind:name" to the action that makes it. */
function planCreates(
  desired: Desired,
  observed: ObservedSwarmStack,
  actions: SwarmAction[],
): Map<string, SwarmActionId> {
  const createdBy = new Map<string, SwarmActionId>();
  const have = new Set(observed.networks.map((n) => n.name));
  for (const n of desired.networks.filter((x) => !have.has(x.name))) {
    const id: SwarmActionId = `a${actions.length + 1}`;
    createdBy.set(`network:${n.name}`, id);
    actions.push({ id, after: [], kind: 'create-network', resource: n.name, reason: 'new network', network: n });
  }
  for (const [kind, objects, existing] of [
    ['secret', desired.secrets.creates, observed.secrets],
    ['config', desired.configs.creates, observed.configs],
  ] as const) {
    const names = new Set(existing.map((o) => o.name));
    for (const o of objects.filter((x) => !names.has(x.name))) {
      const id: SwarmActionId = `a${actions.length + 1}`;
      createdBy.set(`${kind}:${o.name}`, id);
      // NAME-<12 hex>: another version of the same object means its content changed
      const isNewVersion = existing.some((e) => e.name.startsWith(`${o.name.slice(0, -13)}-`));
      const reason = isNewVersion ? 'new content' : `new ${kind}`;
      actions.push({ id, after: [], kind: `create-${kind}`, resource: o.name, reason, object: o });
    }
  }
  return createdBy;
}

/** Each service created, updated (naming the changed keys) or left unchanged. */
function planServices(p: {
  input: DeployInput;
  services: readonly Service[];
  desired: Desired;
  createdBy: ReadonlyMap<string, SwarmActionId>;
  actions: SwarmAction[];
}): { unchanged: string[]; serviceActions: SwarmActionId[] } {
  const { input, actions } = p;
  const unchanged: string[] = [];
  const serviceActions: SwarmActionId[] = [];
  const byName = new Map(input.observed.services.map((s) => [s.spec.Name, s]));
  for (const s of p.services) {
    const spec = withHash(
      toServiceSpec(s, {
        stack: input.stack,
        image: input.images[s.name]!,
        secretNames: p.desired.secrets.names,
        configNames: p.desired.configs.names,
      }),
    );
    const after = dependencies(spec, p.createdBy);
    const current = byName.get(spec.Name);
    const id: SwarmActionId = `a${actions.length + 1}`;
    if (!current) {
      actions.push({ id, after, kind: 'create-service', resource: spec.Name, reason: 'new service', service: spec });
      serviceActions.push(id);
      continue;
    }
    const changed = changedKeys(spec, current.spec);
    if (changed.length === 0 && current.spec.Labels[SPEC_HASH_LABEL] === spec.Labels[SPEC_HASH_LABEL]) {
      unchanged.push(spec.Name);
      continue;
    }
    const keys = changed.length > 0 ? changed : ['(the deployed spec differs)'];
    actions.push({
      id,
      after,
      kind: 'update-service',
      resource: spec.Name,
      reason: `changed: ${keys.join(', ')}`,
      swarmId: current.id,
      version: current.version,
      service: spec,
      changed: keys,
    });
    serviceActions.push(id);
  }
  return { unchanged, serviceActions };
}

/** The spec with the hash of itself as a label: an unchanged re-deploy is recognised without a diff. */
function withHash(spec: ServiceSpec): ServiceSpec {
  const hash = createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
  return { ...spec, Labels: { ...spec.Labels, [SPEC_HASH_LABEL]: hash } };
}

/** The create actions of this plan that make the networks, secrets and configs a service spec names. */
function dependencies(spec: ServiceSpec, createdBy: ReadonlyMap<string, SwarmActionId>): SwarmActionId[] {
  const c = spec.TaskTemplate.ContainerSpec;
  const keys = [
    ...(spec.TaskTemplate.Networks ?? []).map((n) => `network:${n.Target}`),
    ...(c.Secrets ?? []).map((r) => `secret:${r.SecretName}`),
    ...(c.Configs ?? []).map((r) => `config:${r.ConfigName}`),
  ];
  return keys.flatMap((k) => createdBy.get(k) ?? []);
}
