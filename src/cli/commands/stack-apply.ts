// Runs a deploy plan against a swarm: one call per action, in the plan's order (which respects `after`). Service
// specs name their secrets and configs; the swarm wants their ids too, which are looked up once the plan's own
// objects exist. Nothing is decided here.
import type { FileReference, ServiceSpec } from '../../client/swarm/service-spec.js';
import type { SwarmClient } from '../../client/swarm/types.js';
import type { SwarmAction, SwarmPlan } from '../../planner/swarm/plan-deploy.js';
import { BerthError } from '../../errors.js';

export async function applySwarmPlan(
  swarm: SwarmClient,
  plan: SwarmPlan,
  say: (line: string) => void,
): Promise<SwarmAction[]> {
  const done: SwarmAction[] = [];
  const removedServices: string[] = [];
  let ids: { secrets: Map<string, string>; configs: Map<string, string> } | undefined;
  const objectIds = async (): Promise<NonNullable<typeof ids>> => {
    if (!ids) {
      const [secrets, configs] = await Promise.all([swarm.secrets.list(), swarm.configs.list()]);
      ids = {
        secrets: new Map(secrets.map((o) => [o.name, o.id])),
        configs: new Map(configs.map((o) => [o.name, o.id])),
      };
    }
    return ids;
  };
  for (const a of plan.actions) {
    say(`${verb(a)} ${a.kind.slice(a.kind.indexOf('-') + 1)} ${a.resource}`);
    switch (a.kind) {
      case 'create-network':
        await swarm.networks.create(a.network);
        break;
      case 'create-secret':
        await swarm.secrets.create(a.object);
        break;
      case 'create-config':
        await swarm.configs.create(a.object);
        break;
      case 'create-service':
        await swarm.services.create(withObjectIds(a.service, await objectIds()));
        break;
      case 'update-service':
        await swarm.services.update(a.swarmId, a.version, withObjectIds(a.service, await objectIds()));
        break;
      case 'remove-service':
        await swarm.services.remove(a.swarmId);
        removedServices.push(a.swarmId);
        break;
      case 'remove-network':
        // A manager accepts the removal of a network that stopping tasks still use, and their containers then
        // cannot detach: wait for the removed services' tasks to be gone first (see stack-remove.ts).
        await tasksGone(swarm, removedServices.splice(0));
        await swarm.networks.remove(a.swarmId);
        break;
      case 'remove-secret':
        await swarm.secrets.remove(a.swarmId);
        break;
      case 'remove-config':
        await swarm.configs.remove(a.swarmId);
        break;
      default:
        return a satisfies never;
    }
    done.push(a);
  }
  return done;
}

/**
 * Resolves once no task of these services is left; fails after `timeoutMs`. All tasks are listed and matched by
 * service id, because the engine refuses a task filter that names a service it no longer has.
 */
export async function tasksGone(swarm: SwarmClient, services: readonly string[], timeoutMs = 60_000): Promise<void> {
  const ids = new Set(services);
  const deadline = Date.now() + timeoutMs;
  while (ids.size > 0 && (await swarm.tasks.list()).some((t) => ids.has(t.serviceId))) {
    if (Date.now() > deadline) {
      throw new BerthError('CLI_SWARM_TASKS_STOPPING', 'the tasks of the removed services are still stopping', {
        hint: 'run the command again once `berth stack ps` shows them gone',
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function verb(a: SwarmAction): string {
  if (a.kind.startsWith('create-')) return 'Creating';
  return a.kind === 'update-service' ? 'Updating' : 'Removing';
}

/** The spec with the id of each secret and config it names (an external one the swarm must already have). */
function withObjectIds(
  spec: ServiceSpec,
  ids: { secrets: Map<string, string>; configs: Map<string, string> },
): ServiceSpec {
  const c = spec.TaskTemplate.ContainerSpec;
  const fill = <K extends string>(
    refs: FileReference<K>[] | undefined,
    nameKey: K,
    idKey: K,
    from: Map<string, string>,
  ): FileReference<K>[] | undefined =>
    refs?.map((r) => {
      const name = (r as Record<K, string | undefined>)[nameKey] ?? '';
      return { ...r, [idKey]: from.get(name) ?? name };
    });
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...c,
        Secrets: fill(c.Secrets, 'SecretName', 'SecretID', ids.secrets),
        Configs: fill(c.Configs, 'ConfigName', 'ConfigID', ids.configs),
      },
    },
  };
}
