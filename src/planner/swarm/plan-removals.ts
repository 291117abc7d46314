// The removals of a deploy: services and networks of the stack that the file no longer has (only with --prune,
// as `docker stack deploy --prune`), and the old versions of secrets and configs (always: berth made them, the
// file still holds their successor, and the swarm refuses to remove one that a service still uses, so they go
// after the service updates).
import type { ObservedSwarmStack } from '../../client/swarm/types.js';
import type { SwarmAction, SwarmActionId } from './plan-deploy.js';

export interface RemovalInput {
  observed: ObservedSwarmStack;
  prune: boolean;
  /** The number of the first action id to use. */
  first: number;
  /** The service actions of the plan; object removals come after them. */
  serviceActions: readonly SwarmActionId[];
  /** What the deploy wants, by swarm name. */
  keep: {
    services: ReadonlySet<string>;
    secrets: ReadonlySet<string>;
    configs: ReadonlySet<string>;
    networks: ReadonlySet<string>;
  };
}

export function planRemovals(input: RemovalInput): SwarmAction[] {
  const { observed, keep } = input;
  const out: SwarmAction[] = [];
  const id = (): SwarmActionId => `a${input.first + out.length}`;
  const removedServices: SwarmActionId[] = [];
  if (input.prune) {
    for (const s of observed.services.filter((x) => !keep.services.has(x.spec.Name))) {
      const a = id();
      removedServices.push(a);
      out.push({
        id: a,
        after: [],
        kind: 'remove-service',
        resource: s.spec.Name,
        reason: '--prune: no longer in the stack file',
        destructive: true,
        swarmId: s.id,
      });
    }
  }
  const afterServices = [...input.serviceActions, ...removedServices];
  for (const [kind, list, wanted] of [
    ['secret', observed.secrets, keep.secrets],
    ['config', observed.configs, keep.configs],
  ] as const) {
    for (const o of list.filter((x) => !wanted.has(x.name))) {
      // Without --prune, only versions berth made of an object the file still has; others may still be in use.
      const isOldVersion = [...wanted].some((w) => sameKey(w, o.name));
      if (!isOldVersion && !input.prune) continue;
      out.push({
        id: id(),
        after: afterServices,
        kind: `remove-${kind}`,
        resource: o.name,
        reason: isOldVersion ? 'replaced by a new version' : '--prune: no longer in the stack file',
        swarmId: o.id,
      });
    }
  }
  if (input.prune) {
    for (const n of observed.networks.filter((x) => !keep.networks.has(x.name))) {
      out.push({
        id: id(),
        after: removedServices,
        kind: 'remove-network',
        resource: n.name,
        reason: '--prune: no longer used by the stack',
        swarmId: n.id,
      });
    }
  }
  return out;
}

/** Whether two versioned names (NAME-<12 hex>) are versions of the same object. */
function sameKey(a: string, b: string): boolean {
  const base = (n: string): string | undefined => /^(.*)-[0-9a-f]{12}$/.exec(n)?.[1];
  return base(a) !== undefined && base(a) === base(b);
}
