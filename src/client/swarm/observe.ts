// One snapshot of what a swarm runs of a stack, found by Compose's stack label, as the deploy planner reads it.
import type { ObservedSwarmStack, SwarmClient } from './types.js';
import { compareText } from '../../compare-text.js';

/** The label every object of a stack carries (docker/cli cli/compose/convert: LabelNamespace). */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

export async function observeSwarmStack(swarm: SwarmClient, namespace: string): Promise<ObservedSwarmStack> {
  const labels = [`${STACK_NAMESPACE_LABEL}=${namespace}`];
  const [services, secrets, configs, stackNetworks, allNetworks] = await Promise.all([
    swarm.services.list({ labels }),
    swarm.secrets.list({ labels }),
    swarm.configs.list({ labels }),
    swarm.networks.list({ labels }),
    swarm.networks.list(),
  ]);
  // The engine keeps a service's networks by id; the plan names them, so the diff compares names.
  const nameOf = new Map(allNetworks.map((n) => [n.id, n.name]));
  for (const s of services) {
    const networks = s.spec.TaskTemplate.Networks;
    for (const n of networks ?? []) n.Target = nameOf.get(n.Target) ?? n.Target;
    networks?.sort((a, b) => compareText(a.Target, b.Target));
  }
  return {
    namespace,
    services: services.sort((a, b) => compareText(a.spec.Name, b.spec.Name)),
    secrets,
    configs,
    networks: stackNetworks,
  };
}
